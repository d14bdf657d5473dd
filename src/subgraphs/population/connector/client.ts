import { UpstreamUnavailableError } from '../../../platform/errors';
import type { Logger } from '../../../platform/logger';
import type { CitizenField, ExtractedCitizen, LookupPurpose } from '../../../platform/population-api/purposes';
import type { PopulationConnectorConfig } from '../config';

export type ExtractStatus = 'FOUND' | 'NOT_FOUND' | 'INVALID_ID';
export interface ExtractResult {
  id: string;
  status: ExtractStatus;
  citizen?: ExtractedCitizen;
}
export type VerifyOutcome = 'MATCH' | 'NO_MATCH' | 'NOT_FOUND' | 'INVALID_ID';
export interface VerifyItem {
  id: string;
  fullName: string;
  dateOfBirth: string;
}

export type BreakerState = 'closed' | 'open' | 'half-open';

export interface PopulationClientOptions {
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  /** Per attempt. */
  timeoutMs: number;
  /** Extra attempts after the first, for timeouts, 5xx and 429 only. */
  retries: number;
  /** First backoff; doubles per attempt, with up to 100% jitter. */
  backoffMs: number;
  /** Consecutive failures that open the circuit. */
  breakerThreshold: number;
  /** How long the circuit stays open before one probe is let through. */
  breakerOpenMs: number;
  /** Longest Retry-After the client will wait; longer → fail now. */
  maxRetryAfterMs: number;
  /** Calls in flight at once, across every request of this process; the rest wait their turn. */
  maxConcurrentCalls: number;
  log: Logger;
}

/**
 * At most `limit` tasks at once across the process. A freed slot goes to the
 * waiting share (the caller's API key) served longest ago, so one key's large
 * lookup, queued as twenty batches, cannot make every other caller wait
 * behind all of them. The slot is handed straight to that waiter, so a task
 * arriving meanwhile cannot slip past the limit.
 */
export class FairSlots {
  private active = 0;
  private clock = 0;
  private readonly queues = new Map<string, Array<() => void>>();
  /** When each share last got a slot (a tick of `clock`); forgotten whenever nobody waits. */
  private readonly servedAt = new Map<string, number>();
  constructor(private readonly limit: number) {}

  async run<T>(share: string, task: () => Promise<T>): Promise<T> {
    if (this.active < this.limit) {
      this.active += 1;
      this.served(share);
    } else {
      await new Promise<void>((resolve) => this.enqueue(share, resolve));
    }
    try {
      return await task();
    } finally {
      this.release();
    }
  }

  private served(share: string): void {
    this.clock += 1;
    this.servedAt.set(share, this.clock);
  }

  private enqueue(share: string, wake: () => void): void {
    const queue = this.queues.get(share);
    if (queue) queue.push(wake);
    else this.queues.set(share, [wake]);
  }

  private release(): void {
    let next: [string, Array<() => void>] | undefined;
    for (const entry of this.queues) {
      if (!next || (this.servedAt.get(entry[0]) ?? 0) < (this.servedAt.get(next[0]) ?? 0)) next = entry;
    }
    if (!next) {
      this.active -= 1;
      this.servedAt.clear();
      return;
    }
    const [share, queue] = next;
    const wake = queue.shift();
    if (queue.length === 0) this.queues.delete(share);
    this.served(share);
    wake?.();
  }
}

/**
 * Circuit breaker: opens after `threshold` consecutive failures, so a dead
 * upstream costs callers nothing; after `openMs` it half-opens and lets one
 * probe through, closing again on success.
 */
export class CircuitBreaker {
  private failures = 0;
  private openUntil = 0;
  private probing = false;
  constructor(
    private readonly threshold: number,
    private readonly openMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  get state(): BreakerState {
    if (this.failures < this.threshold) return 'closed';
    return this.now() < this.openUntil ? 'open' : 'half-open';
  }

  /** True when a call may go out now (closed, or the single half-open probe). */
  tryAcquire(): boolean {
    const state = this.state;
    if (state === 'closed') return true;
    if (state === 'open' || this.probing) return false;
    this.probing = true;
    return true;
  }

  success(): void {
    this.failures = 0;
    this.probing = false;
  }

  failure(): void {
    this.probing = false;
    this.failures += 1;
    if (this.failures >= this.threshold) this.openUntil = this.now() + this.openMs;
  }
}

class RetryableError extends Error {
  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/** A 4xx (not 429) from the upstream: reported to the caller as INTERNAL_SERVER_ERROR, since our request was wrong. */
export class UpstreamRefusedError extends Error {
  constructor(
    readonly path: string,
    readonly status: number,
    readonly code: string,
  ) {
    super(`population upstream refused ${path} with ${status} ${code}`);
    this.name = 'UpstreamRefusedError';
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type CallObserver = (event: { path: string; status: number | 'timeout' | 'network'; durationMs: number }) => void;

/** Who a call is made for: the queue share (the API key) and the request id for the log. */
export interface CallContext {
  share: string;
  requestId: string;
}

/** HTTP client of the National Population Database (or its stub): timeouts, bounded retries, circuit breaker, a cap on calls in flight. */
export class PopulationClient {
  readonly breaker: CircuitBreaker;
  private readonly observers: CallObserver[] = [];
  private readonly slots: FairSlots;
  constructor(private readonly options: PopulationClientOptions) {
    this.breaker = new CircuitBreaker(options.breakerThreshold, options.breakerOpenMs);
    this.slots = new FairSlots(options.maxConcurrentCalls);
  }

  /** Calls `observer` after every upstream call (metrics). */
  observe(observer: CallObserver): void {
    this.observers.push(observer);
  }

  private notify(event: Parameters<CallObserver>[0]): void {
    for (const observer of this.observers) observer(event);
  }

  async extractBatch(caller: CallContext, purpose: LookupPurpose, ids: readonly string[], fields: readonly CitizenField[]): Promise<ExtractResult[]> {
    const body = await this.slots.run(caller.share, () => this.call<{ results: ExtractResult[] }>(caller, '/v1/extract/batch', { purpose, ids, fields }));
    return body.results;
  }

  async verifyBatch(caller: CallContext, purpose: LookupPurpose, items: readonly VerifyItem[]): Promise<Array<{ id: string; result: VerifyOutcome }>> {
    const body = await this.slots.run(caller.share, () => this.call<{ results: Array<{ id: string; result: VerifyOutcome }> }>(caller, '/v1/verify/batch', { purpose, items }));
    return body.results;
  }

  /** True when the upstream's health endpoint answers 200 within the timeout; for /readyz, bypasses the breaker. */
  async ping(): Promise<boolean> {
    try {
      const response = await fetch(new URL('/healthz', this.options.baseUrl), { signal: AbortSignal.timeout(this.options.timeoutMs) });
      return response.ok;
    } catch {
      return false;
    }
  }

  private async call<T>(caller: CallContext, path: string, payload: unknown): Promise<T> {
    const { retries, backoffMs, log } = this.options;
    for (let attempt = 0; ; attempt += 1) {
      if (!this.breaker.tryAcquire()) throw new UpstreamUnavailableError('The National Population Database is unavailable (circuit open); try again shortly.');
      try {
        const result = await this.attempt<T>(caller, path, payload);
        this.breaker.success();
        return result;
      } catch (error) {
        if (!(error instanceof RetryableError)) {
          this.breaker.success(); // the upstream answered; the request itself was wrong
          throw error;
        }
        // A 429 says the upstream is alive: it does not count against the circuit.
        if (error.retryAfterMs === undefined) this.breaker.failure();
        else this.breaker.success();
        if (attempt >= retries) {
          log.warn('population upstream call failed', { requestId: caller.requestId, path, attempts: attempt + 1, reason: error.message });
          throw new UpstreamUnavailableError();
        }
        const wait = error.retryAfterMs ?? backoffMs * 2 ** attempt * (1 + Math.random());
        await sleep(wait);
      }
    }
  }

  private async attempt<T>(caller: CallContext, path: string, payload: unknown): Promise<T> {
    const started = Date.now();
    let response: Response;
    try {
      response = await fetch(new URL(path, this.options.baseUrl), {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-client-id': this.options.clientId, 'x-client-secret': this.options.clientSecret },
        body: JSON.stringify(payload),
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (error) {
      const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
      this.notify({ path, status: timedOut ? 'timeout' : 'network', durationMs: Date.now() - started });
      throw new RetryableError(timedOut ? `timed out after ${this.options.timeoutMs} ms` : `network error: ${(error as Error).message}`);
    }
    this.notify({ path, status: response.status, durationMs: Date.now() - started });
    if (response.ok) return (await response.json()) as T;
    if (response.status === 429) {
      const seconds = Number(response.headers.get('retry-after') ?? '1');
      const retryAfterMs = Math.max(0, Number.isFinite(seconds) ? seconds * 1000 : 1000);
      if (retryAfterMs > this.options.maxRetryAfterMs) throw new RetryableError(`rate limited for ${seconds} s`);
      throw new RetryableError('rate limited', retryAfterMs);
    }
    if (response.status >= 500) throw new RetryableError(`upstream answered ${response.status}`);
    // 4xx other than 429: our request is wrong (a bug here); retrying would not help. Only the status
    // and the upstream's error code are kept: its message may repeat what was sent (IDs, names).
    const code = await upstreamErrorCode(response);
    this.options.log.error('population upstream refused a call', { requestId: caller.requestId, path, status: response.status, code });
    throw new UpstreamRefusedError(path, response.status, code);
  }
}

/** The `code` of an upstream error body (`{ error: { code } }`), or "unknown"; never its message. */
async function upstreamErrorCode(response: Response): Promise<string> {
  try {
    const code = ((await response.json()) as { error?: { code?: unknown } }).error?.code;
    return typeof code === 'string' && /^[A-Z_]{1,40}$/.test(code) ? code : 'unknown';
  } catch {
    return 'unknown';
  }
}

/** The client the population subgraph uses for `baseUrl` (POPULATION_API_URL, or a stub started for development). */
export function createPopulationClient(config: PopulationConnectorConfig, baseUrl: string, log: Logger): PopulationClient {
  return new PopulationClient({
    baseUrl,
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    timeoutMs: config.timeoutMs,
    retries: config.retries,
    backoffMs: 100,
    breakerThreshold: config.breakerThreshold,
    breakerOpenMs: config.breakerOpenMs,
    maxRetryAfterMs: config.timeoutMs * 5,
    maxConcurrentCalls: config.maxConcurrentBatches,
    log,
  });
}
