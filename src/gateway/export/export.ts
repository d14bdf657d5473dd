import { once } from 'node:events';
import type { GatewayRuntime } from '@graphql-hive/gateway-runtime';
import type { Request, Response } from 'express';
import type { GraphQLFormattedError } from 'graphql';
import { ErrorCode, ERROR_CODES } from '../../platform/errors';
import { sendError } from '../../platform/http/respond';
import type { Logger } from '../../platform/logger';
import type { GatewayConfig } from '../config';
import { trustedText, NOT_ALLOWED_MESSAGE, readTrustedDocuments } from '../edge/persisted';
import type { EdgeServerContext } from '../edge/state';
import { cellValue, csvLine, UTF8_BOM } from './csv';
import { checkExportScope, EXPORT_PAGE_SIZE, ExportRefused, planExport, validateExport, type ExportPlan, type ExportRequest } from './plan';

export interface ExportDependencies {
  runtime: GatewayRuntime;
  config: GatewayConfig;
  /** Fields of subgraphs that hold personal data (never exported), for the supergraph now served. */
  personalFields: () => ReadonlySet<string>;
  log: Logger;
}

const DOTTED_PATH = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

function readRequest(req: Request): ExportRequest {
  const source: Record<string, unknown> = req.method === 'GET' ? (req.query as Record<string, unknown>) : ((req.body ?? {}) as Record<string, unknown>);
  const { query, path, operationName } = source;
  let variables: unknown = source.variables ?? {};
  if (typeof variables === 'string') {
    try {
      variables = JSON.parse(variables);
    } catch {
      throw new ExportRefused(ErrorCode.BAD_USER_INPUT, '`variables` is not valid JSON.');
    }
  }
  if (typeof query !== 'string' || query.trim() === '') throw new ExportRefused(ErrorCode.BAD_USER_INPUT, 'Give the GraphQL operation in `query`.');
  if (typeof path !== 'string' || !DOTTED_PATH.test(path))
    throw new ExportRefused(ErrorCode.BAD_USER_INPUT, 'Give in `path` the dotted path of the list to export, e.g. "milestones" or "directive.milestones".');
  if (typeof variables !== 'object' || variables === null || Array.isArray(variables)) throw new ExportRefused(ErrorCode.BAD_USER_INPUT, '`variables` must be an object.');
  if (operationName !== undefined && typeof operationName !== 'string') throw new ExportRefused(ErrorCode.BAD_USER_INPUT, '`operationName` must be a string.');
  return { query, variables: variables as Record<string, unknown>, operationName, path: path.split('.') };
}

function valueAt(data: unknown, path: readonly string[]): unknown {
  return path.reduce<unknown>((value, key) => (value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined), data);
}

/** The caller's headers that the engine reads (key, forwarded address, correlation id), for each page. */
function forwardedHeaders(req: Request): Record<string, string> {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/graphql-response+json' };
  for (const name of ['authorization', 'x-api-key', 'x-forwarded-for', 'x-request-id']) {
    const value = req.header(name);
    if (value) headers[name] = value;
  }
  return headers;
}

interface PageResult {
  status: number;
  data: Record<string, unknown> | null | undefined;
  errors: GraphQLFormattedError[] | undefined;
}

/** Stops an export that runs past EXPORT_TIMEOUT_MS or EXPORT_MAX_ROWS: the stream is cut, so the client sees an incomplete transfer. */
class ExportCut extends Error {}

/**
 * `GET|POST /graphql/export.csv`: the list at `path` of a query, as CSV
 * (UTF-8 with BOM, one row per node, dotted columns, lists joined with "; ",
 * formulas neutralised). The operation is checked as /graphql checks it —
 * trusted documents, the token limit, every validation rule, the operation
 * limits — before its columns are planned. Each page then runs through the
 * engine like any request: authenticated, rate-limited, with the deadline.
 * A connection is paged with large pages (only that connection), one page in
 * memory at a time, waiting for the client to drain each; the whole export
 * has a deadline and a row budget.
 */
export function createExportHandler(deps: ExportDependencies) {
  const trusted = deps.config.trustedDocumentsFile ? readTrustedDocuments(deps.config.trustedDocumentsFile) : undefined;
  const limits = deps.config.export;

  const prepare = async (req: Request): Promise<{ request: ExportRequest; plan: ExportPlan }> => {
    const request = readRequest(req);
    if (trusted && trustedText(trusted, request.query, undefined) === undefined) throw new ExportRefused(ErrorCode.PERSISTED_QUERY_NOT_ALLOWED, NOT_ALLOWED_MESSAGE);
    const schema = await deps.runtime.getSchema();
    const document = validateExport(request, schema, deps.config.limits);
    const { plan, field } = planExport(document, request, limits);
    checkExportScope(document, schema, deps.personalFields(), field, request.variables);
    return { request, plan };
  };

  const page = async (req: Request, request: ExportRequest, variables: Record<string, unknown>, paged: boolean): Promise<PageResult> => {
    const serverContext: EdgeServerContext = { req, ...(paged ? { exportPageSize: EXPORT_PAGE_SIZE } : {}) };
    const response = await deps.runtime.fetch(
      'http://gateway.internal/graphql',
      { method: 'POST', headers: forwardedHeaders(req), body: JSON.stringify({ query: request.query, variables, operationName: request.operationName }) },
      serverContext,
    );
    const body = (await response.json().catch(() => ({}))) as { data?: Record<string, unknown> | null; errors?: GraphQLFormattedError[] };
    return { status: response.status, data: body.data, errors: body.errors };
  };

  return async (req: Request, res: Response): Promise<void> => {
    let started = false;
    const deadline = Date.now() + limits.timeoutMs;
    let rows = 0;
    try {
      const { request, plan } = await prepare(req);
      const variables = { ...request.variables };
      if (plan.paging?.firstVariable) variables[plan.paging.firstVariable] = EXPORT_PAGE_SIZE;
      for (;;) {
        if (Date.now() > deadline) throw new ExportCut(`ran past EXPORT_TIMEOUT_MS (${limits.timeoutMs} ms)`);
        const result = await page(req, request, variables, plan.paging !== undefined);
        if (!started) {
          if (!result.data) {
            res.status(result.status >= 400 ? result.status : ERROR_CODES.BAD_USER_INPUT.status).json({ errors: result.errors ?? [] });
            return;
          }
          startCsv(res, request, plan, result.errors?.length ?? 0);
          started = true;
        } else if (!result.data) {
          throw new ExportCut(`page failed: ${String(result.errors?.[0]?.extensions?.code ?? result.status)}`);
        }
        const list = valueAt(result.data, request.path);
        for (const row of plan.rowsAt(list)) {
          rows += 1;
          if (rows > limits.maxRows) throw new ExportCut(`reached EXPORT_MAX_ROWS (${limits.maxRows})`);
          if (!res.write(csvLine(plan.columns.map((column) => cellValue(row, column.split('.')))))) await once(res, 'drain');
        }
        const next = plan.paging?.endCursor(list);
        if (!plan.paging || !next || res.destroyed) break;
        variables[plan.paging.afterVariable] = next;
      }
      res.end();
      deps.log.info('csv export', { rows, path: request.path.join('.') });
    } catch (error) {
      if (started) {
        // Headers are gone: cut the stream so the client sees an incomplete transfer, not a short file.
        deps.log.warn('csv export cut mid-stream', { rows, reason: error instanceof ExportCut ? error.message : String(error) });
        res.destroy();
      } else if (error instanceof ExportRefused) {
        sendError(res, error.extensions.code as ErrorCode, error.message, { status: error.status });
      } else {
        deps.log.error('csv export failed', { error: String(error) });
        sendError(res, ErrorCode.INTERNAL_SERVER_ERROR, 'Internal server error');
      }
    }
  };
}

function startCsv(res: Response, request: ExportRequest, plan: ExportPlan, fieldErrors: number): void {
  res.status(200);
  res.setHeader('content-type', 'text/csv; charset=utf-8');
  res.setHeader('content-disposition', `attachment; filename="${request.path.join('-')}.csv"`);
  res.setHeader('cache-control', 'no-store');
  // Masked fields (FORBIDDEN) and other field errors leave empty cells; say how many on the first page.
  res.setHeader('x-export-field-errors', String(fieldErrors));
  res.write(UTF8_BOM + csvLine(plan.columns));
}
