/**
 * Issue #13's measurements, side by side in one run: a repeated catalogue
 * operation served from the response cache against the same gateway with the
 * cache off, and what Redis costs an uncached request (REDIS_URL set with the
 * cache off, against no REDIS_URL). Three of our gateways over the same
 * subgraphs and one Debian redis-server on a free loopback port.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import { endpointFor, type EndpointContext } from './endpoints';
import { sendOnce, underLoad, type LoadSettings, type PreparedRequest } from './load';
import type { BenchOperation } from './operations';
import { freePort } from './processes';
import type { BenchResults, EdgeFloor, SharedStateTiming } from './results';

export interface BenchRedis {
  url: string;
  stop(): Promise<void>;
}

/** redis-server on PATH (`apt-get install redis-server`; .ci/run installs it), nothing persisted. */
export async function startBenchRedis(): Promise<BenchRedis> {
  const port = await freePort();
  const child: ChildProcess = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--loglevel', 'warning'], {
    stdio: 'ignore',
  });
  let spawnError: Error | undefined;
  child.once('error', (error) => (spawnError = error));
  const stop = (): Promise<void> =>
    new Promise((resolve) => {
      if (child.exitCode !== null || spawnError) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  try {
    await untilAnswers(port, () => spawnError ?? (child.exitCode === null ? undefined : new Error(`redis-server exited with ${child.exitCode}`)));
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: `redis://127.0.0.1:${port}`, stop };
}

/** Polls PING until the server answers, it failed (`failure`), or 10 s passed. */
async function untilAnswers(port: number, failure: () => Error | undefined): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const probe = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => undefined);
    try {
      await probe.connect();
      if ((await probe.ping()) === 'PONG') return;
    } catch (error) {
      const failed = failure();
      if (failed) throw failed;
      if (Date.now() > deadline) throw new Error(`redis-server did not answer on port ${port}`, { cause: error });
      await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      probe.disconnect();
    }
  }
}

/** Our gateway's request for `op`, sent to another instance of it. */
function requestTo(base: string, op: BenchOperation, context: EndpointContext): PreparedRequest {
  const endpoint = endpointFor('gateway', op, context);
  if (typeof endpoint === 'string') throw new Error(endpoint);
  return { ...endpoint.request, url: `${base}/graphql` };
}

/** The `x-cache` header of one request (and a check that it answered). */
async function xCacheOf(request: PreparedRequest): Promise<string | null> {
  const answer = await sendOnce(request, 60_000);
  if (answer.status !== 200 || answer.text.includes('"errors"')) throw new Error(`${request.url} answered ${answer.status}: ${answer.text.slice(0, 200)}`);
  const header = answer.headers['x-cache'];
  return typeof header === 'string' ? header : null;
}

export interface SharedStateGateways {
  /** Our gateway without REDIS_URL. */
  noRedis: string;
  /** REDIS_URL, RESPONSE_CACHE_ENABLED=false. */
  redisUncached: string;
  /** REDIS_URL, the response cache on. */
  cached: string;
}

/** One operation on the three gateways, one after another, each under the same load. */
export async function timeSharedState(op: BenchOperation, gateways: SharedStateGateways, context: EndpointContext, load: LoadSettings): Promise<SharedStateTiming> {
  const [noRedis, redisUncached, cached] = [gateways.noRedis, gateways.redisUncached, gateways.cached].map((base) => requestTo(base, op, context));
  const xCache: [string | null, string | null] = [await xCacheOf(cached), await xCacheOf(cached)];
  return { operation: op.name, xCache, noRedis: await underLoad(noRedis, load), redisUncached: await underLoad(redisUncached, load), cached: await underLoad(cached, load) };
}

/** `{ __typename }` on the gateway without Redis and on the cached one, under the same load (results.ts, EdgeFloor). */
async function timeEdgeFloor(gateways: SharedStateGateways, load: LoadSettings): Promise<EdgeFloor> {
  const typename = (base: string): PreparedRequest => ({
    url: `${base}/graphql`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ __typename }' }),
  });
  for (const base of [gateways.noRedis, gateways.cached]) {
    const answer = await sendOnce(typename(base), 60_000);
    if (answer.status !== 200 || !answer.text.includes('"Query"')) throw new Error(`${base} answered ${answer.status}: ${answer.text.slice(0, 200)}`);
  }
  return { noRedis: await underLoad(typename(gateways.noRedis), load), cached: await underLoad(typename(gateways.cached), load) };
}

/**
 * The catalogue operations of the run on our gateway without Redis, with Redis
 * and the cache off, and with the cache on (both started here over the same
 * subgraphs, stopped with the other targets).
 */
export async function measureSharedState(
  operations: readonly BenchOperation[],
  context: EndpointContext,
  redisUrl: string,
  load: LoadSettings,
  log: (line: string) => void,
): Promise<NonNullable<BenchResults['sharedState']>> {
  const [redisUncached, cached] = await Promise.all([
    context.targets.startGateway({ REDIS_URL: redisUrl, RESPONSE_CACHE_ENABLED: 'false' }),
    context.targets.startGateway({ REDIS_URL: redisUrl }),
  ]);
  const gateways: SharedStateGateways = { noRedis: context.targets.gateway, redisUncached, cached };
  const timings: SharedStateTiming[] = [];
  for (const op of operations.filter((o) => o.growth !== 'upstream')) {
    log(`  response cache and Redis: ${op.name} without Redis, with Redis uncached, cached`);
    timings.push(await timeSharedState(op, gateways, context, load));
  }
  if (timings.length === 0) return { connections: load.connections, operations: timings };
  log('  response cache and Redis: the floor, { __typename } without Redis and on the cached gateway');
  return { connections: load.connections, operations: timings, floor: await timeEdgeFloor(gateways, load) };
}
