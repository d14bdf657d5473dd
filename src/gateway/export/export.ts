import { randomUUID } from 'node:crypto';
import type { GatewayRuntime } from '@graphql-hive/gateway-runtime';
import type { Request, Response } from 'express';
import type { GraphQLFormattedError } from 'graphql';
import { MAX_PAGE_SIZE } from '../../platform/db/paginate';
import { ErrorCode, ERROR_CODES, isErrorCode } from '../../platform/errors';
import { sendError } from '../../platform/http/respond';
import type { Logger } from '../../platform/logger';
import type { ExportLimits, GatewayConfig } from '../config';
import { NOT_ALLOWED_MESSAGE, readTrustedDocuments, trustedText } from '../edge/persisted';
import type { EdgeServerContext } from '../edge/state';
import { cellValue, csvLine, UTF8_BOM } from './csv';
import { checkPaging, EXPORT_PAGE_SIZE, ExportRefused, exportedOperation, parseChecked, planExport, refusePersonalData, type ExportPlan, type ExportRequest } from './plan';

export interface ExportDependencies {
  runtime: GatewayRuntime;
  config: GatewayConfig;
  /** Fields of subgraphs that hold personal data (never exported), for the supergraph now served. */
  personalFields: () => ReadonlySet<string>;
  /**
   * Whether subgraph requests are signed: only the signed identity can tell a
   * subgraph to allow the export's large pages. Unsigned (a plain gateway
   * without SUBGRAPH_SECRET), connections are paged in normal pages.
   */
  signed: boolean;
  log: Logger;
}

const DOTTED_PATH = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

function readRequest(req: Request): ExportRequest {
  const source: Record<string, unknown> = req.method === 'POST' ? ((req.body ?? {}) as Record<string, unknown>) : (req.query as Record<string, unknown>);
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

/** What the engine answered one of the export's requests (its check, or a page). */
interface EngineResult {
  status: number;
  retryAfter: string | null;
  data: Record<string, unknown> | null | undefined;
  errors: GraphQLFormattedError[] | undefined;
}

/** Why an export stopped early. Once the CSV has begun the stream is cut, so the client sees an incomplete transfer. */
class ExportCut extends Error {
  constructor(
    readonly reason: 'deadline' | 'rows' | 'page' | 'client',
    message: string,
  ) {
    super(message);
  }
}

/** Resolves when `res` can take more, has closed, or the export was stopped: never waits on a client that went away. */
function drained(res: Response, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      signal.removeEventListener('abort', done);
      resolve();
    };
    res.once('drain', done);
    res.once('close', done);
    signal.addEventListener('abort', done, { once: true });
    // Node 24 corks a response for the rest of the tick, and `write` can answer false while it is
    // corked; when the uncorked rows then fit in the socket, no 'drain' ever comes. Once this tick's
    // writes are out, a socket that does not need draining can take more.
    setImmediate(() => {
      if (!res.socket?.writableNeedDrain) done();
    });
  });
}

/** One export's lifetime: its id, the deadline and the client's going away, as one signal. */
class ExportRun {
  readonly requestId = randomUUID();
  readonly startedAt = performance.now();
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
  private stopped: ExportCut | undefined;
  rows = 0;
  /** Requests the export made of the engine: its check and its pages. */
  requests = 0;

  constructor(
    private readonly res: Response,
    timeoutMs: number,
  ) {
    this.timer = setTimeout(() => this.stop(new ExportCut('deadline', `ran past EXPORT_TIMEOUT_MS (${timeoutMs} ms)`)), timeoutMs);
    res.on('close', this.onClose);
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  private readonly onClose = (): void => {
    if (!this.res.writableFinished) this.stop(new ExportCut('client', 'the client went away'));
  };

  stop(cut: ExportCut): void {
    this.stopped ??= cut;
    this.controller.abort();
  }

  /** Throws why the export was stopped, if it was. */
  check(): void {
    if (this.stopped) throw this.stopped;
  }

  /**
   * A signal for one request of the export, aborted with the export. The
   * engine and its HTTP executor each add an abort listener per request and
   * per subgraph call to the signal they are given: given the export's own,
   * an export of hundreds of pages would keep all of them until it ends.
   */
  async withRequestSignal<T>(send: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const request = new AbortController();
    const stop = (): void => request.abort(this.signal.reason);
    if (this.signal.aborted) stop();
    else this.signal.addEventListener('abort', stop, { once: true });
    try {
      return await send(request.signal);
    } finally {
      this.signal.removeEventListener('abort', stop);
    }
  }

  finish(): void {
    clearTimeout(this.timer);
    this.res.off('close', this.onClose);
  }
}

/** What every export of one gateway shares. */
interface ExportSetup {
  deps: ExportDependencies;
  limits: ExportLimits;
  /** The allow-list in trusted-documents mode. */
  trusted: ReadonlyMap<string, string> | undefined;
  /** Rows per page of the exported connection. */
  pageSize: number;
}

/** One request of the engine on the export's behalf (its check, or a page), under the caller's headers and the export's id. */
async function askEngine(
  setup: ExportSetup,
  req: Request,
  run: ExportRun,
  request: ExportRequest,
  variables: Record<string, unknown>,
  context: Partial<EdgeServerContext>,
): Promise<EngineResult> {
  // The export's request id for every request: the access log, subgraphs and audit see one id per export.
  const serverContext: EdgeServerContext = { req, requestId: run.requestId, ...context };
  run.requests += 1;
  let response: globalThis.Response;
  let body: { data?: Record<string, unknown> | null; errors?: GraphQLFormattedError[] };
  try {
    ({ response, body } = await run.withRequestSignal(async (signal) => {
      const answer = await setup.deps.runtime.fetch(
        'http://gateway.internal/graphql',
        { method: 'POST', headers: forwardedHeaders(req), body: JSON.stringify({ query: request.query, variables, operationName: request.operationName }), signal },
        serverContext,
      );
      return { response: answer, body: (await answer.json().catch(() => ({}))) as typeof body };
    }));
  } catch (error) {
    // A request abandoned because the export was stopped (deadline, client gone) fails with why it was stopped.
    run.check();
    throw error;
  }
  run.check();
  return { status: response.status, retryAfter: response.headers.get('retry-after'), data: body.data, errors: body.errors };
}

/**
 * The request read, the allow-list and the operation's choice (a hash look-up
 * and a token-limited parse: cheap, and clearer messages than the engine's),
 * the check request, then the plan. A refusal by the engine is answered as
 * the engine answered it, and undefined returned.
 */
async function prepare(setup: ExportSetup, req: Request, res: Response, run: ExportRun): Promise<{ request: ExportRequest; plan: ExportPlan } | undefined> {
  const { deps, trusted } = setup;
  const request = readRequest(req);
  if (trusted && trustedText(trusted, request.query, undefined) === undefined) throw new ExportRefused(ErrorCode.PERSISTED_QUERY_NOT_ALLOWED, NOT_ALLOWED_MESSAGE);
  const document = parseChecked(request.query, deps.config.limits);
  const operation = exportedOperation(document, request.operationName);
  const checked = await askEngine(setup, req, run, request, request.variables, { exportCheckOnly: true });
  if (checked.status !== 200 || (checked.errors?.length ?? 0) > 0) {
    answerFailed(res, checked);
    return undefined;
  }
  const schema = await deps.runtime.getSchema();
  refusePersonalData(document, operation, schema, deps.personalFields());
  const { plan, field } = planExport(document, operation, request.path, setup.limits);
  if (plan.paging) checkPaging(document, operation, schema, field, request.variables);
  return { request, plan };
}

/** Pages through the export, writing rows as they come; a first page that fails as a whole is answered as JSON instead. */
async function stream(setup: ExportSetup, req: Request, res: Response, run: ExportRun, request: ExportRequest, plan: ExportPlan): Promise<void> {
  const { maxRows } = setup.limits;
  const variables = { ...request.variables };
  if (plan.paging?.firstVariable) variables[plan.paging.firstVariable] = setup.pageSize;
  const context = plan.paging && setup.deps.signed ? { exportPageSize: EXPORT_PAGE_SIZE } : {};
  let cursor: string | null = null;
  for (;;) {
    const result = await askEngine(setup, req, run, request, variables, context);
    if (!res.headersSent) {
      if (!result.data) return answerFailed(res, result);
      startCsv(res, request, plan, result.errors?.length ?? 0);
      // Express answers HEAD with the GET route: the headers are the answer, the other pages would go nowhere.
      if (req.method === 'HEAD') return void res.end();
    } else if (!result.data) {
      throw new ExportCut('page', `a page failed: ${String(result.errors?.[0]?.extensions?.code ?? result.status)}`);
    }
    const list = valueAt(result.data, request.path);
    for (const row of plan.rowsAt(list)) {
      run.rows += 1;
      if (run.rows > maxRows) throw new ExportCut('rows', `reached EXPORT_MAX_ROWS (${maxRows})`);
      if (!res.write(csvLine(plan.columns.map((column) => cellValue(row, column.split('.')))))) await drained(res, run.signal);
      run.check();
    }
    const next = plan.paging?.endCursor(list) ?? null;
    // A cursor that does not move would page forever; the keyset cursors of our connections always move.
    if (!plan.paging || !next || next === cursor) break;
    cursor = next;
    variables[plan.paging.afterVariable] = next;
  }
  res.end();
}

/**
 * `GET|POST /graphql/export.csv`: the list at `path` of a query, as CSV
 * (UTF-8 with BOM, one row per node, dotted columns, lists joined with "; ",
 * formulas neutralised). Off the allow-list (trusted documents), the
 * operation is refused unread. It then goes through the engine as a check
 * request (src/gateway/export/check.ts): the caller is authenticated and
 * charged, and the document meets the token limit, every validation rule and
 * the operation limits exactly as on /graphql, without executing. Only then
 * are its columns planned, and personal data and oversized pages refused,
 * before anything runs. Each page then runs through the engine like any
 * request: charged to the caller's rate limit, with the request deadline.
 * Only the connection at `path` gets large pages, one page in memory at a
 * time, waiting for the client to drain each; the whole export has a
 * deadline (EXPORT_TIMEOUT_MS) and a row budget (EXPORT_MAX_ROWS).
 */
export function createExportHandler(deps: ExportDependencies) {
  const limits = deps.config.export;
  const setup: ExportSetup = {
    deps,
    limits,
    trusted: deps.config.trustedDocumentsFile ? readTrustedDocuments(deps.config.trustedDocumentsFile) : undefined,
    // The row after the budget is fetched only to learn that the budget was exceeded.
    pageSize: Math.min(deps.signed ? EXPORT_PAGE_SIZE : MAX_PAGE_SIZE, limits.maxRows + 1),
  };
  return async (req: Request, res: Response): Promise<void> => {
    const run = new ExportRun(res, limits.timeoutMs);
    res.setHeader('x-request-id', run.requestId);
    res.setHeader('cache-control', 'no-store');
    let path = '';
    try {
      const prepared = await prepare(setup, req, res, run);
      if (!prepared) return;
      path = prepared.request.path.join('.');
      await stream(setup, req, res, run, prepared.request, prepared.plan);
      if (res.headersSent)
        deps.log.info('csv export', { requestId: run.requestId, path, rows: run.rows, requests: run.requests, ms: Math.round(performance.now() - run.startedAt) });
    } catch (error) {
      failed(deps.log, res, run, path, error);
    } finally {
      run.finish();
    }
  };
}

/** The check or the first page failed as a whole (rate limit, limits, deadline, access): its status and errors as JSON, no CSV. */
function answerFailed(res: Response, result: EngineResult): void {
  if (result.retryAfter) res.setHeader('retry-after', result.retryAfter);
  const code = result.errors?.[0]?.extensions?.code;
  // Legacy clients get request errors with 200; the export's caller always gets the code's status.
  const status = result.status >= 400 ? result.status : isErrorCode(code) ? ERROR_CODES[code].status : ERROR_CODES.BAD_USER_INPUT.status;
  res.status(status).json({ errors: result.errors ?? [] });
}

function failed(log: Logger, res: Response, run: ExportRun, path: string, error: unknown): void {
  const fields = { requestId: run.requestId, path, rows: run.rows, requests: run.requests, ms: Math.round(performance.now() - run.startedAt) };
  if (error instanceof ExportCut) {
    if (error.reason === 'client') log.info('csv export abandoned by the client', fields);
    else log.warn('csv export cut', { ...fields, reason: error.message });
    if (res.headersSent || error.reason === 'client') cut(res);
    else sendError(res, ErrorCode.EXECUTION_TIMEOUT, `The export took longer than it may (${error.message}) and was abandoned.`);
  } else if (error instanceof ExportRefused) {
    log.info('csv export refused', { requestId: run.requestId, code: error.extensions.code });
    sendError(res, error.extensions.code as ErrorCode, error.message, { status: error.status });
  } else if (res.headersSent) {
    log.error('csv export failed mid-stream', { ...fields, error: String(error) });
    cut(res);
  } else {
    log.error('csv export failed', { ...fields, error: String(error) });
    sendError(res, ErrorCode.INTERNAL_SERVER_ERROR, 'Internal server error');
  }
}

/** How long a cut connection may take to deliver the rows already written before it is destroyed. */
const CUT_GRACE_MS = 5_000;

/**
 * Ends an export whose headers are gone: the rows written so far are
 * delivered, then the connection closes without the chunked encoding's last
 * chunk, so the client sees an incomplete transfer, not a short file that
 * looks whole. (Destroying at once would drop the rows still held in this
 * tick, often the headers too.) A client that is not reading gets nothing more.
 */
function cut(res: Response): void {
  const socket = res.socket;
  if (!socket || socket.destroyed || res.writableNeedDrain) {
    res.destroy();
    return;
  }
  // End the socket only once the rows are in it: Node 24 holds the writes of this tick in the
  // response, and ending the socket at once dropped them (an empty write calls back when they are out).
  res.write('', () => socket.end());
  setTimeout(() => res.destroy(), CUT_GRACE_MS).unref();
}

function startCsv(res: Response, request: ExportRequest, plan: ExportPlan, fieldErrors: number): void {
  res.status(200);
  res.setHeader('content-type', 'text/csv; charset=utf-8');
  res.setHeader('content-disposition', `attachment; filename="${request.path.join('-')}.csv"`);
  // Masked fields (FORBIDDEN) and other field errors leave empty cells; say how many on the first page.
  res.setHeader('x-export-field-errors', String(fieldErrors));
  res.write(UTF8_BOM + csvLine(plan.columns));
}
