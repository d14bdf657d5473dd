import { signRequest } from '../platform/identity/signing';
import type { SubgraphEndpoint } from './config';
import { gatewayIdentity } from './supergraph/compose';
import type { SupergraphStatus } from './supergraph/source';

export type SubgraphState = 'up' | 'degraded' | 'down';

export interface SubgraphHealth {
  name: string;
  state: SubgraphState;
  ms: number;
  /** The subgraph's own /readyz next to its GraphQL URL, where it has one (ours do). */
  detail?: Record<string, unknown>;
}

export interface Readiness {
  status: 'ready' | 'degraded' | 'unready';
  supergraph: SupergraphStatus;
  subgraphs: SubgraphHealth[];
  /** With REDIS_URL: `down` while this instance falls back to in-process rate limits and bypasses the response cache. */
  redis?: 'up' | 'down';
}

const PROBE_TIMEOUT_MS = 2_000;

async function readyDetail(url: string): Promise<Record<string, unknown> | undefined> {
  const readyz = url.replace(/\/graphql\/?$/, '/readyz');
  if (readyz === url) return undefined;
  try {
    const response = await fetch(readyz, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
    return response.headers.get('content-type')?.includes('json') ? ((await response.json()) as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A subgraph is up when it answers a signed `{ __typename }` (any GraphQL
 * server does), degraded when its own /readyz says a dependency is down (the
 * population subgraph's upstream, say), down otherwise.
 */
export async function probeSubgraph(endpoint: SubgraphEndpoint, secret: string | undefined): Promise<SubgraphHealth> {
  const started = performance.now();
  const body = JSON.stringify({ query: '{ __typename }' });
  let answered: boolean;
  try {
    const response = await fetch(endpoint.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...(secret ? signRequest(secret, gatewayIdentity('health'), body) : {}) },
      body,
      signal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
    });
    answered = response.ok && ((await response.json()) as { data?: { __typename?: string } }).data?.__typename !== undefined;
  } catch {
    answered = false;
  }
  const detail = answered ? await readyDetail(endpoint.url) : undefined;
  const state: SubgraphState = !answered ? 'down' : detail && detail.status !== 'ready' ? 'degraded' : 'up';
  return { name: endpoint.name, state, ms: Math.round(performance.now() - started), ...(detail ? { detail } : {}) };
}

/**
 * /readyz: ready when every subgraph is up, the last reload worked and Redis
 * (with REDIS_URL) answers; degraded when one is not (the rest still serves).
 */
export async function readiness(supergraph: SupergraphStatus, secret: string | undefined, redis?: { isUp(): boolean }): Promise<Readiness> {
  const subgraphs = await Promise.all(supergraph.subgraphs.map((endpoint) => probeSubgraph(endpoint, secret)));
  const redisState = redis ? (redis.isUp() ? 'up' : 'down') : undefined;
  const healthy = subgraphs.every((s) => s.state === 'up') && supergraph.lastError === null && redisState !== 'down';
  const status = supergraph.loadedAt === null ? 'unready' : healthy ? 'ready' : 'degraded';
  return { status, supergraph, subgraphs, ...(redisState ? { redis: redisState } : {}) };
}
