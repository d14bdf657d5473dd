import {
  Kind,
  TypeInfo,
  getNamedType,
  specifiedRules,
  validate,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type FieldNode,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';
import { MAX_EXPORT_PAGE_SIZE, MAX_PAGE_SIZE } from '../../platform/db/paginate';
import { CodedError, ErrorCode, ERROR_CODES } from '../../platform/errors';
import type { ExportLimits, OperationLimits } from '../config';
import { operationRules, parseOperation } from '../edge/limits';
import { columnsOf, fragmentsOf, operationOf, TooManyColumnsError } from './csv';

/** What the export was asked: the operation, and the dotted path of the list in `data`. */
export interface ExportRequest {
  query: string;
  variables: Record<string, unknown>;
  operationName: string | undefined;
  path: string[];
}

/** How to read rows and pages at the export path: a plain list, or a Relay connection paged through `$after`. */
export interface ExportPlan {
  columns: string[];
  rowsAt: (list: unknown) => unknown[];
  paging?: { afterVariable: string; firstVariable: string | undefined; endCursor: (list: unknown) => string | null };
}

/** A refusal before anything runs: the code's HTTP status, a message saying what to change. */
export class ExportRefused extends CodedError {
  readonly status: number;
  constructor(code: ErrorCode, message: string) {
    super(code, message);
    this.status = ERROR_CODES[code].status;
  }
}

function bad(message: string): ExportRefused {
  return new ExportRefused(ErrorCode.BAD_USER_INPUT, message);
}

/** The field at `path` in the operation's selection (following inline fragments at each level). */
function fieldAt(selectionSet: SelectionSetNode, path: readonly string[]): FieldNode | undefined {
  const [head, ...rest] = path;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD && (selection.alias?.value ?? selection.name.value) === head) {
      return rest.length === 0 ? selection : selection.selectionSet && fieldAt(selection.selectionSet, rest);
    }
    if (selection.kind === Kind.INLINE_FRAGMENT) {
      const found = fieldAt(selection.selectionSet, path);
      if (found) return found;
    }
  }
  return undefined;
}

function child(field: FieldNode, name: string): FieldNode | undefined {
  return field.selectionSet?.selections.find((s): s is FieldNode => s.kind === Kind.FIELD && (s.alias?.value ?? s.name.value) === name);
}

function variableOf(field: FieldNode, argumentName: string): string | undefined {
  const argument = field.arguments?.find((a) => a.name.value === argumentName);
  return argument?.value.kind === Kind.VARIABLE ? argument.value.name.value : undefined;
}

/**
 * Parses and validates the operation as /graphql would (the token limit, every
 * standard rule including NoFragmentCycles, the operation limits), before any
 * planning: a hostile document is refused while it is still cheap.
 */
export function validateExport(request: ExportRequest, schema: GraphQLSchema, limits: OperationLimits): DocumentNode {
  let document: DocumentNode;
  try {
    document = parseOperation(request.query, limits);
  } catch (error) {
    if (error instanceof CodedError) throw new ExportRefused(ErrorCode.OPERATION_LIMIT_EXCEEDED, error.message);
    throw new ExportRefused(ErrorCode.GRAPHQL_PARSE_FAILED, (error as Error).message);
  }
  const errors = validate(schema, document, [...specifiedRules, ...operationRules(limits)], { maxErrors: 10 });
  if (errors.length > 0) {
    const limit = errors.find((e) => e.extensions.code === ErrorCode.OPERATION_LIMIT_EXCEEDED);
    throw new ExportRefused(limit ? ErrorCode.OPERATION_LIMIT_EXCEEDED : ErrorCode.GRAPHQL_VALIDATION_FAILED, (limit ?? errors[0])?.message ?? 'invalid operation');
  }
  return document;
}

/** `first` values (literal or from variables) of every field but the exported connection's. */
function firstValue(field: FieldNode, variables: Record<string, unknown>): unknown {
  const argument = field.arguments?.find((a) => a.name.value === 'first');
  if (!argument) return undefined;
  if (argument.value.kind === Kind.VARIABLE) return variables[argument.value.name.value];
  return argument.value.kind === Kind.INT ? Number(argument.value.value) : undefined;
}

/**
 * What an export may not do: select personal data (fields of PERSONAL_SUBGRAPHS),
 * alias fields under `pageInfo` (the export trusts hasNextPage and endCursor),
 * or ask another connection for more than a normal page (only the exported
 * connection is paged with large pages).
 */
export function checkExportScope(document: DocumentNode, schema: GraphQLSchema, personal: ReadonlySet<string>, exported: FieldNode, variables: Record<string, unknown>): void {
  const typeInfo = new TypeInfo(schema);
  const exportedFirst = variableOf(exported, 'first');
  let uses = 0;
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Variable(node) {
        if (node.name.value === exportedFirst) uses += 1;
      },
      Field(node) {
        const parent = typeInfo.getParentType();
        if (!parent) return;
        if (personal.has(`${parent.name}.${node.name.value}`))
          throw new ExportRefused(ErrorCode.FORBIDDEN, `Personal data cannot be exported: \`${parent.name}.${node.name.value}\` comes from a subgraph that holds personal data.`);
        if (getNamedType(parent).name === 'PageInfo' && node.alias) throw bad('Fields under `pageInfo` cannot be aliased in an export.');
        const first = node === exported ? undefined : firstValue(node, variables);
        if (typeof first === 'number' && first > MAX_PAGE_SIZE)
          throw bad(`Only the exported connection is paged in large pages; \`${node.name.value}(first: ${first})\` asks for more than ${MAX_PAGE_SIZE}.`);
      },
    }),
  );
  // The declaration ($first: Int) counts once; any other use would lift another connection's page too.
  if (exportedFirst && uses > 2) throw bad(`\`$${exportedFirst}\` sets the exported connection's page size; use it for that connection only.`);
}

/** Columns and paging of the list at `path`; throws ExportRefused when there is no list there or it cannot be paged. */
export function planExport(document: DocumentNode, request: ExportRequest, limits: ExportLimits): { plan: ExportPlan; field: FieldNode } {
  const operation = operationOf(document, request.operationName);
  if (!operation || operation.operation !== 'query') throw bad('Export a single query operation (name it with `operationName` if the document holds several).');
  const field = fieldAt(operation.selectionSet, request.path);
  if (!field?.selectionSet) throw bad(`The operation selects no list with fields at "${request.path.join('.')}".`);
  const fragments = fragmentsOf(document);
  const columns = (set: SelectionSetNode): string[] => {
    try {
      return columnsOf(set, fragments, limits.maxColumns);
    } catch (error) {
      if (error instanceof TooManyColumnsError) throw new ExportRefused(ErrorCode.OPERATION_LIMIT_EXCEEDED, error.message);
      throw error;
    }
  };
  const nodes = child(field, 'nodes');
  const edges = child(field, 'edges');
  const connectionRows = nodes ?? (edges && child(edges, 'node'));
  if (!connectionRows?.selectionSet) return { field, plan: { columns: columns(field.selectionSet), rowsAt: (list) => (Array.isArray(list) ? list : []) } };

  const afterVariable = variableOf(field, 'after');
  const pageInfo = child(field, 'pageInfo');
  if (!afterVariable || !pageInfo || !child(pageInfo, 'endCursor') || !child(pageInfo, 'hasNextPage')) {
    throw bad(
      `To export the connection at "${request.path.join('.')}", pass \`after: $after\` (a declared String variable) and select \`pageInfo { hasNextPage endCursor }\`; the export then pages through all of it.`,
    );
  }
  const key = nodes ? (nodes.alias?.value ?? 'nodes') : (edges?.alias?.value ?? 'edges');
  return {
    field,
    plan: {
      columns: columns(connectionRows.selectionSet),
      rowsAt: (list) => {
        const rows = (list as Record<string, unknown> | null)?.[key];
        return Array.isArray(rows) ? (nodes ? rows : rows.map((edge) => (edge as { node: unknown }).node)) : [];
      },
      paging: {
        afterVariable,
        firstVariable: variableOf(field, 'first'),
        endCursor: (list) => {
          const info = (list as { pageInfo?: { hasNextPage?: boolean; endCursor?: string | null } } | null)?.pageInfo;
          return info?.hasNextPage ? (info.endCursor ?? null) : null;
        },
      },
    },
  };
}

/** Rows per page of the exported connection. */
export const EXPORT_PAGE_SIZE = MAX_EXPORT_PAGE_SIZE;
