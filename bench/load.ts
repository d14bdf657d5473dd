/** Sending the benchmark's requests: one timed check request, autocannon load, and the stub's own time. */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { createHistogram, performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import type { LatencySample } from './results';

/** One request, ready to send; `sign` gives fresh signature headers for each send (signatures expire after 30 s). */
export interface PreparedRequest {
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body: string | undefined;
  sign?: (body: string) => Record<string, string>;
}

export interface LoadSettings {
  connections: number;
  durationSeconds: number;
  /** Autocannon gives up on one request after this long. */
  timeoutSeconds: number;
}

export interface LoadResult extends LatencySample {
  requestsPerSecond: number;
  errors: number;
}

function headersFor(request: PreparedRequest): Record<string, string> {
  return request.sign ? { ...request.headers, ...request.sign(request.body ?? '') } : request.headers;
}

/**
 * One HTTP exchange with node:http: fetch (undici) gives up on a response after
 * 300 s, and at the largest sizes one request on the local database takes longer.
 */
export function sendOnce(request: PreparedRequest, timeoutMs: number): Promise<{ status: number; text: string; headers: IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(request.url, { method: request.method, headers: headersFor(request), timeout: timeoutMs }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text, headers: res.headers }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs / 1000} s`)));
    req.on('error', reject);
    req.end(request.body);
  });
}

export interface CheckResult {
  /** GraphQL `data`, or the REST body. */
  data: unknown;
  ms: number;
  /** Why the answer is not usable: a transport error, a status other than 200, or GraphQL errors. */
  problem: string | undefined;
}

/** One timed request: its JSON and any problem with it. */
export async function checkRequest(request: PreparedRequest, rest: boolean, timeoutMs: number): Promise<CheckResult> {
  const started = performance.now();
  let answer: { status: number; text: string; headers: IncomingHttpHeaders };
  try {
    answer = await sendOnce(request, timeoutMs);
  } catch (error) {
    return { data: undefined, ms: performance.now() - started, problem: (error as Error).message };
  }
  const ms = performance.now() - started;
  let body: { data?: unknown; errors?: Array<{ message: string }> };
  try {
    body = JSON.parse(answer.text) as typeof body;
  } catch {
    return { data: undefined, ms, problem: `HTTP ${answer.status}, not JSON: ${answer.text.slice(0, 200)}` };
  }
  if (answer.status !== 200) return { data: undefined, ms, problem: `HTTP ${answer.status}: ${answer.text.slice(0, 300)}` };
  if (rest) return { data: body, ms, problem: undefined };
  return {
    data: body.data,
    ms,
    problem: body.errors?.length
      ? body.errors
          .map((e) => e.message)
          .join('; ')
          .slice(0, 300)
      : undefined,
  };
}

/**
 * Autocannon against one request. A signed request is signed again for every
 * send in autocannon's `setupRequest` hook (in this process, so the target
 * pays nothing for it); an unsigned one is built once.
 */
export async function underLoad(request: PreparedRequest, settings: LoadSettings): Promise<LoadResult> {
  const { sign } = request;
  const url = new URL(request.url);
  const result = await autocannon({
    url: url.origin,
    connections: settings.connections,
    duration: settings.durationSeconds,
    timeout: settings.timeoutSeconds,
    requests: [
      {
        method: request.method,
        path: `${url.pathname}${url.search}`,
        headers: request.headers,
        ...(request.body === undefined ? {} : { body: request.body }),
        ...(sign ? { setupRequest: (req: autocannon.Request) => ({ ...req, headers: { ...request.headers, ...sign(request.body ?? '') } }) } : {}),
      },
    ],
  });
  return {
    requests: result.requests.total,
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
  };
}

/** Runs `tasks` with at most `limit` in flight at once, the rest queued in order (as the connector's semaphore does). */
async function withConcurrency(tasks: ReadonlyArray<() => Promise<void>>, limit: number): Promise<void> {
  const queue = [...tasks];
  const worker = async (): Promise<void> => {
    for (let task = queue.shift(); task; task = queue.shift()) await task();
  };
  await Promise.all(Array.from({ length: Math.min(limit, queue.length) }, worker));
}

/**
 * Sends the same set of requests, `limit` at a time, again and again for
 * `durationSeconds`, one set after another; the latency is that of a whole set.
 */
export async function timeRequestSets(requests: readonly PreparedRequest[], limit: number, durationSeconds: number): Promise<LatencySample> {
  const histogram = createHistogram();
  const deadline = performance.now() + durationSeconds * 1000;
  while (performance.now() < deadline) {
    const started = process.hrtime.bigint();
    await withConcurrency(
      requests.map((request) => async () => {
        const answer = await sendOnce(request, 30_000);
        if (answer.status !== 200) throw new Error(`${request.url} answered ${answer.status}: ${answer.text.slice(0, 200)}`);
      }),
      limit,
    );
    histogram.record(process.hrtime.bigint() - started);
  }
  const ms = (ns: number): number => Math.round(ns / 10_000) / 100;
  return { requests: histogram.count, p50Ms: ms(histogram.percentile(50)), p99Ms: ms(histogram.percentile(99)) };
}
