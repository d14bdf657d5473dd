import { once } from 'node:events';
import type { ApolloServer } from '@apollo/server';
import type { Request, Response } from 'express';
import { Kind, parse, type DocumentNode, type FieldNode, type GraphQLFormattedError, type SelectionSetNode } from 'graphql';
import type { Principal } from '../auth/principal';
import type { GatewayContext } from '../context';
import type { Logger } from '../logger';
import { cellValue, columnsOf, csvLine, fragmentsOf, operationOf, UTF8_BOM } from './csv';

/** Rows fetched per page while exporting a connection: one page in memory at a time. */
export const EXPORT_PAGE_SIZE = 5_000;

interface ExportRequest {
  query: string;
  variables: Record<string, unknown>;
  operationName: string | undefined;
  /** Dotted path from `data` to the list or connection to export, e.g. "milestones". */
  path: string[];
}

class ExportError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function readRequest(req: Request): ExportRequest {
  const source: Record<string, unknown> = req.method === 'GET' ? (req.query as Record<string, unknown>) : ((req.body ?? {}) as Record<string, unknown>);
  const { query, path, operationName } = source;
  let variables: unknown = source.variables ?? {};
  if (typeof variables === 'string') {
    try {
      variables = JSON.parse(variables);
    } catch {
      throw new ExportError(400, 'BAD_USER_INPUT', '`variables` is not valid JSON.');
    }
  }
  if (typeof query !== 'string' || query.trim() === '') throw new ExportError(400, 'BAD_USER_INPUT', 'Give the GraphQL operation in `query`.');
  if (typeof path !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/.test(path)) {
    throw new ExportError(400, 'BAD_USER_INPUT', 'Give in `path` the dotted path of the list to export, e.g. "milestones" or "directive.milestones".');
  }
  if (typeof variables !== 'object' || variables === null || Array.isArray(variables)) throw new ExportError(400, 'BAD_USER_INPUT', '`variables` must be an object.');
  if (operationName !== undefined && typeof operationName !== 'string') throw new ExportError(400, 'BAD_USER_INPUT', '`operationName` must be a string.');
  return { query, variables: variables as Record<string, unknown>, operationName, path: path.split('.') };
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

/** How to read rows and pages at the export path: a plain list, or a Relay connection paged through `$after`. */
interface Plan {
  columns: string[];
  rowsAt: (list: unknown) => unknown[];
  paging?: { afterVariable: string; firstVariable: string | undefined; endCursor: (list: unknown) => string | null };
}

function plan(document: DocumentNode, request: ExportRequest): Plan {
  const operation = operationOf(document, request.operationName);
  if (!operation || operation.operation !== 'query') throw new ExportError(400, 'BAD_USER_INPUT', 'Export a single query operation (name it with `operationName` if the document holds several).');
  const field = fieldAt(operation.selectionSet, request.path);
  if (!field?.selectionSet) throw new ExportError(400, 'BAD_USER_INPUT', `The operation selects no list with fields at "${request.path.join('.')}".`);
  const fragments = fragmentsOf(document);
  const nodes = child(field, 'nodes');
  const edgeNode = child(field, 'edges') && child(child(field, 'edges') as FieldNode, 'node');
  const connectionRows = nodes ?? edgeNode;
  if (!connectionRows?.selectionSet) return { columns: columnsOf(field.selectionSet, fragments), rowsAt: (list) => (Array.isArray(list) ? list : []) };

  const variableOf = (name: string) => {
    const argument = field.arguments?.find((a) => a.name.value === name);
    return argument?.value.kind === Kind.VARIABLE ? argument.value.name.value : undefined;
  };
  const afterVariable = variableOf('after');
  const pageInfo = child(field, 'pageInfo');
  if (!afterVariable || !pageInfo || !child(pageInfo, 'endCursor') || !child(pageInfo, 'hasNextPage')) {
    throw new ExportError(400, 'BAD_USER_INPUT', `To export the connection at "${request.path.join('.')}", pass \`after: $after\` (a declared String variable) and select \`pageInfo { hasNextPage endCursor }\`; the export then pages through all of it.`);
  }
  const key = nodes ? (nodes.alias?.value ?? 'nodes') : 'edges';
  return {
    columns: columnsOf(connectionRows.selectionSet, fragments),
    rowsAt: (list) => {
      const rows = (list as Record<string, unknown> | null)?.[key];
      return Array.isArray(rows) ? (nodes ? rows : rows.map((edge) => (edge as { node: unknown }).node)) : [];
    },
    paging: {
      afterVariable,
      firstVariable: variableOf('first'),
      endCursor: (list) => {
        const info = (list as { pageInfo?: { hasNextPage?: boolean; endCursor?: string | null } } | null)?.pageInfo;
        return info?.hasNextPage ? (info.endCursor ?? null) : null;
      },
    },
  };
}

function valueAt(data: unknown, path: readonly string[]): unknown {
  return path.reduce<unknown>((value, key) => (value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined), data);
}

export interface ExportDependencies {
  apollo: ApolloServer<GatewayContext>;
  createContext: (requestId: string, principal: Principal, maxPageSize: number) => GatewayContext;
  principalOf: (header: (name: string) => string | undefined) => Promise<Principal>;
  log: Logger;
}

/**
 * `GET|POST /graphql/export.csv`: runs a query through Apollo, with the same
 * API key, limits and field masking as /graphql, and streams the list at
 * `path` as CSV (UTF-8 with BOM, one row per node, nested fields as dotted
 * columns, lists joined with "; "). A connection is paged through with its
 * `$after` variable, one page in memory at a time, waiting for the client to
 * drain each page.
 */
export function createExportHandler(deps: ExportDependencies) {
  return async (req: Request, res: Response): Promise<void> => {
    const requestId = String(res.locals.requestId);
    let started = false;
    try {
      const request = readRequest(req);
      const principal = await deps.principalOf((name) => req.header(name));
      let document: DocumentNode;
      try {
        document = parse(request.query);
      } catch (error) {
        throw new ExportError(400, 'GRAPHQL_PARSE_FAILED', (error as Error).message);
      }
      const { columns, rowsAt, paging } = plan(document, request);
      const variables = { ...request.variables };
      if (paging?.firstVariable) variables[paging.firstVariable] = EXPORT_PAGE_SIZE;
      let rows = 0;
      for (;;) {
        const response = await deps.apollo.executeOperation(
          { query: request.query, variables, operationName: request.operationName },
          { contextValue: deps.createContext(requestId, principal, EXPORT_PAGE_SIZE) },
        );
        if (response.body.kind !== 'single') throw new ExportError(400, 'BAD_USER_INPUT', 'Incremental delivery cannot be exported.');
        const { data, errors } = response.body.singleResult;
        if (!started) {
          if (!data) {
            res.status(response.http.status ?? 400).json({ errors: errors ?? [] });
            return;
          }
          res.status(200);
          res.setHeader('content-type', 'text/csv; charset=utf-8');
          res.setHeader('content-disposition', `attachment; filename="${request.path.join('-')}.csv"`);
          res.setHeader('cache-control', 'no-store');
          // Masked fields (FORBIDDEN) and other field errors leave empty cells; say how many.
          res.setHeader('x-export-field-errors', String(errors?.length ?? 0));
          res.write(UTF8_BOM + csvLine(columns));
          started = true;
        } else if (!data) {
          throw new Error(`export page failed: ${(errors as GraphQLFormattedError[] | undefined)?.[0]?.message ?? 'no data'}`);
        }
        const list = valueAt(data, request.path);
        for (const row of rowsAt(list)) {
          rows += 1;
          if (!res.write(csvLine(columns.map((column) => cellValue(row, column.split('.')))))) await once(res, 'drain');
        }
        const next = paging?.endCursor(list);
        if (!paging || !next) break;
        variables[paging.afterVariable] = next;
      }
      res.end();
      deps.log.info('csv export', { requestId, rows, path: request.path.join('.') });
    } catch (error) {
      if (started) {
        // Headers are gone: cut the stream so the client sees an incomplete transfer, not a short file.
        deps.log.error('csv export failed mid-stream', { requestId, error: String(error) });
        res.destroy();
        return;
      }
      if (error instanceof ExportError) {
        res.status(error.status).json({ errors: [{ message: error.message, extensions: { code: error.code } }] });
      } else if (error && typeof error === 'object' && 'extensions' in error) {
        const graphqlError = error as { message: string; extensions: { code?: string; http?: { status?: number } } };
        res.status(graphqlError.extensions.http?.status ?? 400).json({ errors: [{ message: graphqlError.message, extensions: { code: graphqlError.extensions.code } }] });
      } else {
        deps.log.error('csv export failed', { requestId, error: String(error) });
        res.status(500).json({ errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
      }
    }
  };
}
