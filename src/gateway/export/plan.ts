import {
  GraphQLInt,
  Kind,
  TypeInfo,
  getNamedType,
  getVariableValues,
  valueFromAST,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { MAX_EXPORT_PAGE_SIZE, MAX_PAGE_SIZE } from '../../platform/db/paginate';
import { CodedError, ErrorCode, ERROR_CODES } from '../../platform/errors';
import type { ExportLimits, OperationLimits } from '../config';
import { parseOperation } from '../edge/limits';
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

const PAGE_INFO_ALIASED = 'Fields under `pageInfo` cannot be aliased in an export: it follows `hasNextPage` and `endCursor` as the server wrote them.';

function aliased(field: FieldNode): boolean {
  return field.alias !== undefined && field.alias.value !== field.name.value;
}

/** Rows per page of the exported connection. */
export const EXPORT_PAGE_SIZE = MAX_EXPORT_PAGE_SIZE;

/**
 * The export's document, parsed under the token limit (linear, bounded). It is
 * validated by the engine, as /graphql validates, in the export's check
 * request (src/gateway/export/check.ts) before anything is planned from it.
 */
export function parseChecked(query: string, limits: OperationLimits): DocumentNode {
  try {
    return parseOperation(query, limits);
  } catch (error) {
    if (error instanceof CodedError) throw new ExportRefused(ErrorCode.OPERATION_LIMIT_EXCEEDED, error.message);
    throw new ExportRefused(ErrorCode.GRAPHQL_PARSE_FAILED, (error as Error).message);
  }
}

/** The operation to export: the only one, or the one `operationName` names; a query. */
export function exportedOperation(document: DocumentNode, operationName: string | undefined): OperationDefinitionNode {
  const operation = operationOf(document, operationName);
  if (!operation || operation.operation !== 'query') throw bad('Export a single query operation (name it with `operationName` if the document holds several).');
  return operation;
}

/** The operation and the fragments it spreads, directly or not: what runs (other operations in the document do not). */
function executed(document: DocumentNode, operation: OperationDefinitionNode): DocumentNode {
  const fragments = fragmentsOf(document);
  const used = new Map<string, FragmentDefinitionNode>();
  const spreadsIn = (node: OperationDefinitionNode | FragmentDefinitionNode): void => {
    visit(node, {
      FragmentSpread(spread) {
        const fragment = fragments.get(spread.name.value);
        // Each fragment once: validation has refused cycles, this keeps the walk linear anyway.
        if (!fragment || used.has(fragment.name.value)) return;
        used.set(fragment.name.value, fragment);
        spreadsIn(fragment);
      },
    });
  };
  spreadsIn(operation);
  return { kind: Kind.DOCUMENT, definitions: [operation, ...used.values()] };
}

/**
 * Refuses an export that selects personal data: any field that only subgraphs
 * in PERSONAL_SUBGRAPHS resolve (`citizen`, `citizens`, `auditEntries`, …).
 * Checked before anything runs, so no lookup is made and nothing is audited.
 */
export function refusePersonalData(document: DocumentNode, operation: OperationDefinitionNode, schema: GraphQLSchema, personal: ReadonlySet<string>): void {
  const typeInfo = new TypeInfo(schema);
  visit(
    executed(document, operation),
    visitWithTypeInfo(typeInfo, {
      Field(node) {
        const parent = typeInfo.getParentType();
        if (parent && personal.has(`${parent.name}.${node.name.value}`)) {
          throw new ExportRefused(ErrorCode.FORBIDDEN, `Personal data cannot be exported: \`${parent.name}.${node.name.value}\` comes from a subgraph that holds personal data.`);
        }
      },
    }),
  );
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

/** The child field `name`, selected under its own name: an alias cannot pass another field off as `pageInfo` or `nodes`. */
function child(field: FieldNode, name: string): FieldNode | undefined {
  return field.selectionSet?.selections.find((s): s is FieldNode => s.kind === Kind.FIELD && s.name.value === name && (s.alias?.value ?? name) === name);
}

function variableOf(field: FieldNode, argumentName: string): string | undefined {
  const argument = field.arguments?.find((a) => a.name.value === argumentName);
  return argument?.value.kind === Kind.VARIABLE ? argument.value.name.value : undefined;
}

/** Columns and paging of the list at `path`; throws ExportRefused when there is no list there, it cannot be paged, or it has too many columns. */
export function planExport(document: DocumentNode, operation: OperationDefinitionNode, path: readonly string[], limits: ExportLimits): { plan: ExportPlan; field: FieldNode } {
  const field = fieldAt(operation.selectionSet, path);
  if (!field?.selectionSet) throw bad(`The operation selects no list with fields at "${path.join('.')}".`);
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
  // Said plainly here; checkPaging finds aliases deeper in (fragments on PageInfo).
  if (pageInfo?.selectionSet?.selections.some((s) => s.kind === Kind.FIELD && aliased(s))) throw bad(PAGE_INFO_ALIASED);
  if (!afterVariable || !pageInfo || !child(pageInfo, 'endCursor') || !child(pageInfo, 'hasNextPage')) {
    throw bad(
      `To export the connection at "${path.join('.')}", pass \`after: $after\` (a declared String variable) and select \`pageInfo { hasNextPage endCursor }\`; the export then pages through all of it.`,
    );
  }
  const plan: ExportPlan = {
    columns: columns(connectionRows.selectionSet),
    rowsAt: (list) => {
      const rows = (list as Record<string, unknown> | null)?.[nodes ? 'nodes' : 'edges'];
      return Array.isArray(rows) ? (nodes ? rows : rows.map((edge) => (edge as { node: unknown } | null)?.node)) : [];
    },
    paging: {
      afterVariable,
      firstVariable: variableOf(field, 'first'),
      endCursor: (list) => {
        const info = (list as { pageInfo?: { hasNextPage?: boolean; endCursor?: string | null } } | null)?.pageInfo;
        return info?.hasNextPage ? (info.endCursor ?? null) : null;
      },
    },
  };
  return { field, plan };
}

/** The caller's variables as the operation will see them: coerced, with the declared defaults. */
function coercedVariables(schema: GraphQLSchema, operation: OperationDefinitionNode, variables: Record<string, unknown>): Record<string, unknown> {
  const result = getVariableValues(schema, operation.variableDefinitions ?? [], variables, { maxErrors: 1 });
  if (result.errors) throw bad(result.errors[0]?.message ?? 'The variables do not match the operation.');
  return result.coerced;
}

/**
 * What a paged export may not do, because the export trusts it or because it
 * is lifted to large pages: alias fields under `pageInfo` (the export follows
 * hasNextPage and endCursor), ask any connection but the exported one for more
 * than a normal page (literal, variable or variable default), or use the
 * exported connection's `$first` (set to the export's page size) anywhere else.
 */
export function checkPaging(document: DocumentNode, operation: OperationDefinitionNode, schema: GraphQLSchema, exported: FieldNode, variables: Record<string, unknown>): void {
  const values = coercedVariables(schema, operation, variables);
  const exportedFirst = variableOf(exported, 'first');
  const typeInfo = new TypeInfo(schema);
  let firstUses = 0;
  visit(
    executed(document, operation),
    visitWithTypeInfo(typeInfo, {
      Variable(node, _key, parent) {
        const declaration = parent !== undefined && 'kind' in parent && parent.kind === Kind.VARIABLE_DEFINITION;
        if (!declaration && node.name.value === exportedFirst) firstUses += 1;
      },
      Field(node) {
        const parent = typeInfo.getParentType();
        if (parent && getNamedType(parent).name === 'PageInfo' && aliased(node)) throw bad(PAGE_INFO_ALIASED);
        if (node === exported) return;
        const argument = node.arguments?.find((a) => a.name.value === 'first');
        const first: unknown = argument && valueFromAST(argument.value, GraphQLInt, values);
        if (typeof first === 'number' && first > MAX_PAGE_SIZE) {
          throw bad(`Only the exported connection is paged in large pages; \`${node.name.value}(first: ${first})\` asks for more than ${MAX_PAGE_SIZE}.`);
        }
      },
    }),
  );
  if (exportedFirst && firstUses > 1) throw bad(`\`$${exportedFirst}\` sets the exported connection's page size; use it for that connection only.`);
}
