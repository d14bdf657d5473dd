import { createHash, timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import express, { type NextFunction, type Request, type Response } from 'express';
import {
  allowedFields,
  CITIZEN_FIELDS,
  isLookupPurpose,
  LOOKUP_PURPOSES,
  UPSTREAM_MAX_BATCH,
  type CitizenField,
  type CitizenRecord,
  type ExtractedCitizen,
  type LookupPurpose,
} from '../../platform/population-api/purposes';
import { generateCitizen } from './generator';

/**
 * A stand-in for the National Population Database as its own HTTP service:
 * synthetic citizens (generator.ts), client authentication, purpose-bound
 * field sets, batch limits, and the ways a remote service misbehaves
 * (latency, rate limits, errors, slowness, outages), all adjustable at run
 * time through /admin. The API is documented in API.md next to this file.
 */

/**
 * `reject`: every authenticated /v1 call is refused with 400 REQUEST_REJECTED and a message that
 * quotes the request (IDs, names), as a careless upstream might; the connector must keep such
 * bodies out of its logs and errors.
 */
export type StubMode = 'normal' | 'slow' | 'outage' | 'reject';
export const STUB_MODES: readonly StubMode[] = ['normal', 'slow', 'outage', 'reject'];

export interface StubFaults {
  /** Added to every authenticated /v1 request. */
  latencyMs: number;
  /** Latency varies uniformly by up to this much either way (never below 0). */
  jitterMs: number;
  /** Share of /v1 requests answered 503 UPSTREAM_ERROR (0..1). */
  errorRate: number;
  mode: StubMode;
  /** Extra latency in "slow" mode. */
  slowMs: number;
  /** Token-bucket rate and burst per client; 0 turns the limit off. */
  rateLimitPerSecond: number;
}

export interface StubStats {
  /** Every /v1 request that passed authentication (rate-limited ones included). */
  requests: number;
  byEndpoint: Record<string, number>;
  /** Item count of each call as received (1 for single calls), up to MAX_RECORDED_BATCH_SIZES since the last reset. */
  batchSizes: number[];
  rateLimited: number;
  /** 503s from errorRate (outage answers are not counted: they happen before authentication). */
  injectedErrors: number;
  byClient: Record<string, number>;
  /** Authenticated /v1 requests being answered now. */
  inFlight: number;
  /** The most authenticated /v1 requests answered at once since the last reset. */
  maxInFlight: number;
  /** The `fields` of each extract call whose body was read, as received, up to MAX_RECORDED_BATCH_SIZES since the last reset. */
  requestedFields: string[][];
}

/** The live objects: tests in the same process may read them, and mutating faults takes effect at once. */
export interface StubState {
  faults: StubFaults;
  stats: StubStats;
}

export interface PopulationStubOptions extends Partial<StubFaults> {
  /** Known callers: client id → secret. */
  clients: Readonly<Record<string, string>>;
  /** Token for /admin; without one, /admin always answers 401. */
  adminToken?: string;
  /** Clock for the generator (dates of birth and death never pass it). */
  now?: () => Date;
}

export const DEFAULT_FAULTS: Readonly<StubFaults> = { latencyMs: 20, jitterMs: 10, errorRate: 0, mode: 'normal', slowMs: 5000, rateLimitPerSecond: 50 };

/** Bounds of each fault setting, shared with the environment loader. */
export const FAULT_LIMITS = {
  latencyMs: { min: 0, max: 60_000 },
  jitterMs: { min: 0, max: 60_000 },
  slowMs: { min: 0, max: 600_000 },
  errorRate: { min: 0, max: 1 },
  rateLimitPerSecond: { min: 0, max: 1_000_000 },
} as const;

/** batchSizes keeps this many entries, so a long benchmark cannot exhaust memory. */
export const MAX_RECORDED_BATCH_SIZES = 100_000;
export const BODY_LIMIT = '256kb';

const V1_ENDPOINTS = ['/v1/verify', '/v1/verify/batch', '/v1/extract', '/v1/extract/batch'] as const;

// ---------------------------------------------------------------------------
// Errors

/** An answer other than 200: status, a stable code and a message without personal data. */
class StubHttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

function sendError(res: Response, status: number, code: string, message: string, details: Record<string, unknown> = {}): void {
  res.status(status).json({ error: { code, message, ...details } });
}

const badRequest = (message: string): StubHttpError => new StubHttpError(400, 'BAD_REQUEST', message);

// ---------------------------------------------------------------------------
// Validation helpers

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isCitizenField(value: string): value is CitizenField {
  return (CITIZEN_FIELDS as readonly string[]).includes(value);
}

function requireBody(req: Request): Record<string, unknown> {
  const body: unknown = req.body;
  if (!isRecord(body)) throw badRequest('The body must be a JSON object sent with Content-Type: application/json.');
  return body;
}

function requirePurpose(body: Record<string, unknown>): LookupPurpose {
  const purpose = body.purpose;
  if (typeof purpose !== 'string' || !isLookupPurpose(purpose)) {
    throw new StubHttpError(400, 'INVALID_PURPOSE', 'purpose must be one of the lookup purposes.', { allowed: Object.keys(LOOKUP_PURPOSES) });
  }
  return purpose;
}

function requireString(record: Record<string, unknown>, key: string, where: string): string {
  const value = record[key];
  if (typeof value !== 'string') throw badRequest(`${where}${key} must be a string.`);
  return value;
}

function requireBatch(body: Record<string, unknown>, key: string): unknown[] {
  const items = body[key];
  if (!Array.isArray(items)) throw badRequest(`${key} must be an array.`);
  if (items.length === 0) throw new StubHttpError(400, 'EMPTY_BATCH', `${key} must hold at least one item.`, { max: UPSTREAM_MAX_BATCH });
  if (items.length > UPSTREAM_MAX_BATCH) {
    throw new StubHttpError(400, 'BATCH_TOO_LARGE', `${key} holds ${items.length} items; at most ${UPSTREAM_MAX_BATCH} are accepted.`, { max: UPSTREAM_MAX_BATCH });
  }
  return items;
}

/** Unknown names → 400; names outside the purpose → 403 (checked in that order). */
function requireFields(body: Record<string, unknown>, purpose: LookupPurpose): CitizenField[] {
  const fields = body.fields;
  if (!Array.isArray(fields) || !fields.every((field): field is string => typeof field === 'string')) throw badRequest('fields must be an array of field names.');
  const unknown = fields.filter((field) => !isCitizenField(field));
  if (unknown.length > 0) {
    throw new StubHttpError(400, 'UNKNOWN_FIELD', 'Some requested fields do not exist.', { fields: unknown.slice(0, 20).map((field) => field.slice(0, 64)) });
  }
  const known = fields.filter(isCitizenField);
  const allowed = allowedFields(purpose);
  const refused = known.filter((field) => !allowed.includes(field));
  if (refused.length > 0) {
    throw new StubHttpError(403, 'FIELD_NOT_ALLOWED', `Some requested fields are outside what ${purpose} may see.`, { fields: [...new Set(refused)] });
  }
  return [...new Set(known)];
}

// ---------------------------------------------------------------------------
// Lookups

type VerifyResult = 'MATCH' | 'NO_MATCH' | 'NOT_FOUND' | 'INVALID_ID';

/** Names compare as NFC, case-insensitive, with runs of whitespace collapsed. */
function comparableName(name: string): string {
  return name.normalize('NFC').toLowerCase().replace(/\s+/g, ' ').trim();
}

function verifyOne(id: string, fullName: string, dateOfBirth: string, today: Date): VerifyResult {
  const generated = generateCitizen(id, today);
  if (generated.status !== 'FOUND') return generated.status;
  const { citizen } = generated;
  return comparableName(citizen.fullName) === comparableName(fullName) && citizen.dateOfBirth === dateOfBirth.trim() ? 'MATCH' : 'NO_MATCH';
}

function copyField<K extends CitizenField>(target: ExtractedCitizen, source: CitizenRecord, field: K): void {
  target[field] = source[field];
}

interface ExtractAnswer {
  id: string;
  status: 'FOUND' | 'NOT_FOUND' | 'INVALID_ID';
  citizen?: ExtractedCitizen;
}

function extractOne(id: string, fields: readonly CitizenField[], today: Date): ExtractAnswer {
  const generated = generateCitizen(id, today);
  if (generated.status !== 'FOUND') return { id, status: generated.status };
  const citizen: ExtractedCitizen = { id };
  for (const field of fields) copyField(citizen, generated.citizen, field);
  return { id, status: 'FOUND', citizen };
}

function requireVerifyItem(item: unknown, index: number): { id: string; fullName: string; dateOfBirth: string } {
  if (!isRecord(item)) throw badRequest(`items[${index}] must be an object.`);
  const where = `items[${index}].`;
  return { id: requireString(item, 'id', where), fullName: requireString(item, 'fullName', where), dateOfBirth: requireString(item, 'dateOfBirth', where) };
}

// ---------------------------------------------------------------------------
// Faults and limits

/** Checks a partial fault update; returns the clean patch or a message naming the bad key. */
export function validateFaultPatch(input: unknown): { ok: true; patch: Partial<StubFaults> } | { ok: false; message: string } {
  if (!isRecord(input)) return { ok: false, message: 'The body must be a JSON object.' };
  const patch: Partial<StubFaults> = {};
  for (const [key, value] of Object.entries(input)) {
    if (key === 'mode') {
      if (typeof value !== 'string' || !STUB_MODES.includes(value as StubMode)) return { ok: false, message: `mode must be one of ${STUB_MODES.join(', ')}.` };
      patch.mode = value as StubMode;
      continue;
    }
    if (key === 'latencyMs' || key === 'jitterMs' || key === 'slowMs' || key === 'errorRate' || key === 'rateLimitPerSecond') {
      const { min, max } = FAULT_LIMITS[key];
      const wholeNumber = key !== 'errorRate' && key !== 'rateLimitPerSecond';
      if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max || (wholeNumber && !Number.isInteger(value))) {
        return { ok: false, message: `${key} must be ${wholeNumber ? 'a whole number' : 'a number'} between ${min} and ${max}.` };
      }
      patch[key] = value;
      continue;
    }
    return { ok: false, message: `Unknown setting "${key.slice(0, 40)}".` };
  }
  return { ok: true, patch };
}

/** One token bucket per client: capacity and refill both rateLimitPerSecond. */
class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; updatedAt: number }>();

  take(clientId: string, ratePerSecond: number): { allowed: true } | { allowed: false; retryAfterSeconds: number } {
    if (ratePerSecond <= 0) return { allowed: true };
    const capacity = Math.max(1, ratePerSecond);
    const now = performance.now();
    const bucket = this.buckets.get(clientId) ?? { tokens: capacity, updatedAt: now };
    // Refill for the time elapsed; min() also trims a bucket when the rate was lowered.
    bucket.tokens = Math.min(capacity, bucket.tokens + ((now - bucket.updatedAt) / 1000) * ratePerSecond);
    bucket.updatedAt = now;
    this.buckets.set(clientId, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true };
    }
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / ratePerSecond)) };
  }
}

/** Equal-time comparison: both sides are hashed first so the buffers always have the same length. */
function secretsEqual(given: string, expected: string): boolean {
  const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}

function freshStats(): StubStats {
  return { requests: 0, byEndpoint: {}, batchSizes: [], rateLimited: 0, injectedErrors: 0, byClient: {}, inFlight: 0, maxInFlight: 0, requestedFields: [] };
}

/** Zeroes the stats in place, so references handed out earlier stay live. */
function resetStats(stats: StubStats): void {
  stats.requests = 0;
  stats.rateLimited = 0;
  stats.injectedErrors = 0;
  stats.batchSizes.length = 0;
  stats.requestedFields.length = 0;
  // Requests still being answered stay counted, so inFlight returns to 0 when they finish.
  stats.maxInFlight = stats.inFlight;
  for (const key of Object.keys(stats.byEndpoint)) delete stats.byEndpoint[key];
  for (const key of Object.keys(stats.byClient)) delete stats.byClient[key];
}

/** Pending simulated delays, so close() can release them instead of waiting out a slow mode. */
class Delays {
  private readonly pending = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();

  wait(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const entry = { timer: setTimeout(() => finish(), ms), resolve };
      const finish = (): void => {
        this.pending.delete(entry);
        resolve();
      };
      this.pending.add(entry);
    });
  }

  releaseAll(): void {
    for (const entry of this.pending) {
      clearTimeout(entry.timer);
      entry.resolve();
    }
    this.pending.clear();
  }
}

/** The `fields` an extract call asked for, when the body has a list of strings there. */
function requestedFieldsOf(path: string, body: unknown): string[] | undefined {
  if (path !== '/extract' && path !== '/extract/batch') return undefined;
  const fields = isRecord(body) ? body.fields : undefined;
  return Array.isArray(fields) ? fields.map((field) => String(field).slice(0, 64)) : undefined;
}

function batchSizeOf(path: string, body: unknown): number | undefined {
  if (path === '/verify' || path === '/extract') return 1;
  if (!isRecord(body)) return undefined;
  const items = path === '/verify/batch' ? body.items : path === '/extract/batch' ? body.ids : undefined;
  return Array.isArray(items) ? items.length : undefined;
}

// ---------------------------------------------------------------------------
// The app

function validateOptions(options: PopulationStubOptions): StubFaults {
  for (const [clientId, secret] of Object.entries(options.clients)) {
    if (clientId === '' || secret === '') throw new Error('Population stub: client ids and secrets must not be empty.');
  }
  const given: Record<string, unknown> = {};
  for (const key of Object.keys(DEFAULT_FAULTS) as Array<keyof StubFaults>) {
    if (options[key] !== undefined) given[key] = options[key];
  }
  const checked = validateFaultPatch(given);
  if (!checked.ok) throw new Error(`Population stub: ${checked.message}`);
  return { ...DEFAULT_FAULTS, ...checked.patch };
}

/** The stub as an Express app, not listening; `state` is live. */
export function createPopulationStub(options: PopulationStubOptions): { app: express.Express; state: StubState } {
  const { app, state } = buildStub(options);
  return { app, state };
}

function buildStub(options: PopulationStubOptions): { app: express.Express; state: StubState; delays: Delays } {
  const state: StubState = { faults: validateOptions(options), stats: freshStats() };
  const delays = new Delays();
  const parseJson = express.json({ limit: BODY_LIMIT });

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  app.get('/healthz', (_req, res) => {
    const { mode } = state.faults;
    if (mode === 'outage') res.status(503).json({ status: 'unavailable', mode });
    else res.json({ status: 'ok', mode });
  });
  app.use('/v1', v1Router(state, { clients: new Map(Object.entries(options.clients)), now: options.now ?? ((): Date => new Date()), delays, parseJson }));
  app.use('/admin', adminRouter(state, options.adminToken ?? '', parseJson));
  app.use((_req, res) => {
    sendError(res, 404, 'NOT_FOUND', 'No such endpoint.');
  });
  app.use(handleError);

  return { app, state, delays };
}

interface V1Dependencies {
  clients: ReadonlyMap<string, string>;
  now: () => Date;
  delays: Delays;
  parseJson: express.RequestHandler;
}

/** /v1: outage → auth → rate limit → body → latency and injected errors → handler. */
function v1Router(state: StubState, { clients, now, delays, parseJson }: V1Dependencies): express.Router {
  const v1 = express.Router();
  v1.use((_req, res, next) => {
    // An outage is a dead service: nothing is authenticated or counted.
    if (state.faults.mode === 'outage') sendError(res, 503, 'UPSTREAM_ERROR', 'The population database is unavailable (outage).');
    else next();
  });
  v1.use(authenticateClient(state, clients));
  v1.use(limitRate(state, new RateLimiter()));
  v1.use(parseJson);
  v1.use(simulateUpstream(state, delays));
  addLookupRoutes(v1, now);
  return v1;
}

/** Known client with its secret, or 401; an authenticated request is counted in the stats. */
function authenticateClient(state: StubState, clients: ReadonlyMap<string, string>): express.RequestHandler {
  return (req, res, next) => {
    const clientId = req.get('x-client-id') ?? '';
    const secret = req.get('x-client-secret') ?? '';
    const expected = clients.get(clientId);
    // Compare even for an unknown client, so timing does not reveal which ids exist.
    const secretMatches = secretsEqual(secret, expected ?? '\u0000no-such-client');
    if (expected === undefined || !secretMatches) {
      sendError(res, 401, 'UNAUTHENTICATED', 'Send a known X-Client-Id with its X-Client-Secret.');
      return;
    }
    res.locals.clientId = clientId;
    const { stats } = state;
    const endpoint = (V1_ENDPOINTS as readonly string[]).includes(`/v1${req.path}`) ? `/v1${req.path}` : 'other';
    stats.requests += 1;
    stats.byEndpoint[endpoint] = (stats.byEndpoint[endpoint] ?? 0) + 1;
    stats.byClient[clientId] = (stats.byClient[clientId] ?? 0) + 1;
    stats.inFlight += 1;
    stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
    // 'close' comes once, whether the answer was sent or the caller went away.
    res.once('close', () => {
      stats.inFlight -= 1;
    });
    next();
  };
}

/** The per-client token bucket: 429 with Retry-After when it is empty. */
function limitRate(state: StubState, limiter: RateLimiter): express.RequestHandler {
  return (_req, res, next) => {
    const clientId = String(res.locals.clientId);
    const verdict = limiter.take(clientId, state.faults.rateLimitPerSecond);
    if (!verdict.allowed) {
      state.stats.rateLimited += 1;
      res.set('Retry-After', String(verdict.retryAfterSeconds));
      sendError(res, 429, 'RATE_LIMITED', `Over ${state.faults.rateLimitPerSecond} requests per second for this client.`, { retryAfterSeconds: verdict.retryAfterSeconds });
      return;
    }
    next();
  };
}

/** Records the call's batch size and fields, waits out the latency, then applies the modes that refuse and the injected errors. */
function simulateUpstream(state: StubState, delays: Delays): express.RequestHandler {
  return async (req, res, next) => {
    const size = req.method === 'POST' ? batchSizeOf(req.path, req.body) : undefined;
    if (size !== undefined && state.stats.batchSizes.length < MAX_RECORDED_BATCH_SIZES) state.stats.batchSizes.push(size);
    const fields = req.method === 'POST' ? requestedFieldsOf(req.path, req.body) : undefined;
    if (fields !== undefined && state.stats.requestedFields.length < MAX_RECORDED_BATCH_SIZES) state.stats.requestedFields.push(fields);
    const { latencyMs, jitterMs, mode, slowMs } = state.faults;
    const jitter = jitterMs > 0 ? (Math.random() * 2 - 1) * jitterMs : 0;
    await delays.wait(Math.max(0, latencyMs + jitter) + (mode === 'slow' ? slowMs : 0));
    if (res.headersSent || res.destroyed) return; // the stub was closed meanwhile
    // Settings are read again after the delay: an outage or error rate set while a request waits applies to it.
    if (state.faults.mode === 'outage') {
      sendError(res, 503, 'UPSTREAM_ERROR', 'The population database is unavailable (outage).');
      return;
    }
    if (state.faults.mode === 'reject') {
      sendError(res, 400, 'REQUEST_REJECTED', `The request was rejected: ${JSON.stringify(req.body).slice(0, 2000)}`);
      return;
    }
    if (state.faults.errorRate > 0 && Math.random() < state.faults.errorRate) {
      state.stats.injectedErrors += 1;
      sendError(res, 503, 'UPSTREAM_ERROR', 'The population database failed to answer (injected error).');
      return;
    }
    next();
  };
}

/** The four lookups: verify and extract, single and batch. */
function addLookupRoutes(v1: express.Router, now: () => Date): void {
  v1.post('/verify', (req, res) => {
    const body = requireBody(req);
    requirePurpose(body);
    const id = requireString(body, 'id', '');
    const result = verifyOne(id, requireString(body, 'fullName', ''), requireString(body, 'dateOfBirth', ''), now());
    res.json({ id, result });
  });

  v1.post('/verify/batch', (req, res) => {
    const body = requireBody(req);
    requirePurpose(body);
    const items = requireBatch(body, 'items').map(requireVerifyItem);
    const today = now();
    res.json({ results: items.map((item) => ({ id: item.id, result: verifyOne(item.id, item.fullName, item.dateOfBirth, today) })) });
  });

  v1.post('/extract', (req, res) => {
    const body = requireBody(req);
    const purpose = requirePurpose(body);
    const id = requireString(body, 'id', '');
    const fields = requireFields(body, purpose);
    res.json(extractOne(id, fields, now()));
  });

  v1.post('/extract/batch', (req, res) => {
    const body = requireBody(req);
    const purpose = requirePurpose(body);
    const ids = requireBatch(body, 'ids');
    if (!ids.every((id): id is string => typeof id === 'string')) throw badRequest('ids must be an array of strings.');
    const fields = requireFields(body, purpose);
    const today = now();
    res.json({ results: ids.map((id) => extractOne(id, fields, today)) });
  });
}

/** /admin: token-guarded fault control and counters. */
function adminRouter(state: StubState, adminToken: string, parseJson: express.RequestHandler): express.Router {
  const admin = express.Router();
  admin.use((req, res, next) => {
    const token = req.get('x-admin-token') ?? '';
    const tokenMatches = secretsEqual(token, adminToken);
    if (adminToken === '' || token === '' || !tokenMatches) sendError(res, 401, 'UNAUTHENTICATED', 'Send the X-Admin-Token header.');
    else next();
  });
  admin.use(parseJson);
  admin.get('/faults', (_req, res) => {
    res.json(state.faults);
  });
  admin.put('/faults', (req, res) => {
    const checked = validateFaultPatch(req.body);
    if (!checked.ok) throw badRequest(checked.message);
    Object.assign(state.faults, checked.patch);
    res.json(state.faults);
  });
  admin.get('/stats', (_req, res) => {
    res.json(state.stats);
  });
  admin.post('/stats/reset', (_req, res) => {
    resetStats(state.stats);
    res.json(state.stats);
  });
  return admin;
}

/** Errors as JSON: a StubHttpError as itself, body-parser failures as 413 or 400, anything else 500. */
function handleError(error: unknown, _req: Request, res: Response, next: NextFunction): void {
  if (res.headersSent) {
    next(error);
    return;
  }
  if (error instanceof StubHttpError) {
    sendError(res, error.status, error.code, error.message, error.details);
    return;
  }
  // body-parser errors carry a `type` and an HTTP status.
  const type = isRecord(error) && typeof error.type === 'string' ? error.type : '';
  if (type === 'entity.too.large') sendError(res, 413, 'PAYLOAD_TOO_LARGE', `Bodies are limited to ${BODY_LIMIT}.`);
  else if (type !== '') sendError(res, 400, 'BAD_REQUEST', 'The body is not valid JSON.');
  else sendError(res, 500, 'INTERNAL', 'The stub failed.');
}

export interface StartedPopulationStub {
  url: string;
  state: StubState;
  close(): Promise<void>;
}

/** Starts the stub on `host` (default 127.0.0.1) and `port` (0 = any free port). */
export async function startPopulationStub(options: PopulationStubOptions & { port?: number; host?: string }): Promise<StartedPopulationStub> {
  const { port = 0, host = '127.0.0.1', ...stubOptions } = options;
  const { app, state, delays } = buildStub(stubOptions);
  const server = app.listen(port, host);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const address = server.address() as AddressInfo;
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${shownHost}:${address.port}`,
    state,
    close: () => {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // A stub need not drain: cut waiting requests and keep-alive sockets now.
        delays.releaseAll();
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
