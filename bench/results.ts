/** The shape of bench/results.json: everything RESULTS.md and the chart are drawn from. */
import type { LoadResult } from './load';
import type { Growth } from './operations';

/**
 * What one operation is sent to, in the order each operation runs against them:
 * - `gateway`: our gateway as it ships (`node dist/src/main.js`, Hive Gateway's runtime) over our subgraphs;
 * - `subgraph`: the subgraph that owns the operation, called directly with a signed request (no gateway);
 * - `hive`: Hive Gateway alone, the engine without our edge, over the same supergraph and subgraphs (bench/hive-gateway.ts);
 * - `apollo`: @apollo/gateway over the same supergraph and subgraphs (bench/apollo-gateway.ts);
 * - `rest`: the hand-written REST floor (bench/rest-floor.ts), catalogue operations only;
 * - `naive`: our gateway over subgraphs without DataLoader batching and caching (bench/naive.ts).
 * The naive variant runs last: when it is cut off mid-request, the wait for the database comes before the next operation.
 */
export type TargetName = 'gateway' | 'subgraph' | 'hive' | 'apollo' | 'rest' | 'naive';
export const TARGETS: readonly TargetName[] = ['gateway', 'subgraph', 'hive', 'apollo', 'rest', 'naive'];

export interface Measurement {
  operation: string;
  target: TargetName;
  /** `load`: autocannon at `connections` for `durationSeconds`; `single`: one timed request (too slow to load). */
  mode: 'load' | 'single';
  requests: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Transport errors, timeouts and non-2xx answers under load. */
  errors: number;
  /** Database commands one request sent, counted by the clients of the subgraphs (or of the REST floor) behind the target. */
  databaseCommands: number;
  /**
   * Commands sent during the load divided by the requests completed. Below
   * `databaseCommands` for citizen lookups, whose audit writes the trail's
   * writer groups across concurrent requests.
   */
  databaseCommandsUnderLoad?: number;
  /** The response's data equals the gateway's on the check request. */
  sameJsonAsGateway: boolean;
  /** Citizen operations: calls the population stub received for one request. */
  upstreamCalls?: number;
  /** Why a target was measured only once. */
  note?: string;
}

export interface SizeResult {
  /** Services in the catalogue (curated + synthetic). */
  services: number;
  milestones: number;
  directives: number;
  label: string;
  database: string;
  loadSeconds: number | null;
  /** Set when this size was measured by a separate `npm run bench` invocation and merged in: its command line and date. */
  invocation?: string;
  /** The machine's 1, 5 and 15 minute load averages when this size finished: other work on the machine shows here. */
  loadAverage?: number[];
  measurements: Measurement[];
  skipped: Array<{ operation: string; target: TargetName; reason: string }>;
}

/** Latency of one kind of request sent one at a time for the load duration. */
export interface LatencySample {
  requests: number;
  p50Ms: number;
  p99Ms: number;
}

/**
 * Issue #14 item 4: 1,000 citizen lookups through the gateway, against the
 * stub's own time for the same upstream batches, in the same run. Every
 * figure is one request (or one set of batches) at a time.
 */
export interface CitizenBatchTiming {
  ids: number;
  batchSize: number;
  batches: number;
  /** The connector's POPULATION_MAX_CONCURRENT_BATCHES: batches in flight at once in the population subgraph. */
  connectorConcurrency: number;
  /** `citizens-1000` through our gateway. */
  gateway: LatencySample;
  /** The same operation sent to the population subgraph directly (signed): the gateway's share is the difference. */
  subgraph: LatencySample;
  /** The same batches sent straight to the stub, all at once. */
  stubAllAtOnce: LatencySample;
  /** The same batches sent straight to the stub, at most `connectorConcurrency` at a time (as the connector sends them). */
  stubAtConnectorConcurrency: LatencySample;
}

/**
 * The least a request through our gateway costs: `{ __typename }`, which the
 * engine answers itself (no subgraph, nothing cached), on the gateway without
 * Redis and on the cached one (its rate-limit budget and a cache lookup in
 * Redis). No response served through the gateway's request pipeline, from a
 * cache or not, comes faster.
 */
export interface EdgeFloor {
  noRedis: LoadResult;
  cached: LoadResult;
}

/** Issue #13: one catalogue operation on three of our gateways, one after another in the same run. */
export interface SharedStateTiming {
  operation: string;
  /** `x-cache` of the first two requests to the cached gateway (a miss, then a hit). */
  xCache: [string | null, string | null];
  /** Without REDIS_URL: in-process rate limits and APQ, no response cache. */
  noRedis: LoadResult;
  /** REDIS_URL with RESPONSE_CACHE_ENABLED=false: rate limits and APQ in Redis, every request executed. */
  redisUncached: LoadResult;
  /** REDIS_URL with the response cache on: after one miss, hits. */
  cached: LoadResult;
}

/** Issue #13 item 4: the catalogue subgraph's reads during the run (DVC_RECORD_COMMANDS), checked against its indexes. */
export interface IndexCoverageSummary {
  shapes: number;
  served: number;
  /** Shapes no index can serve, allowed with a reason and a cap (README, index coverage). */
  allowed: Array<{ shape: string; reason: string }>;
  /** Shapes that fail the check: each names the index it lacks. */
  unserved: string[];
}

export interface BenchResults {
  date: string;
  machine: { cpus: number; cpuModel: string; memoryGiB: number; node: string; platform: string };
  database: { kind: string; version: string };
  settings: {
    connections: number;
    durationSeconds: number;
    loadMaxSeconds: number;
    stubLatencyMs: number;
    upstreamBatchLimit: number;
    seed: number;
  };
  operations: Array<{ name: string; description: string; growth: Growth; nested: boolean }>;
  sizes: SizeResult[];
  /** Measured once, on the first size (citizen lookups do not depend on the catalogue). */
  citizenBatches?: CitizenBatchTiming;
  /** Measured once, on the first size; `skipped` says why not (no redis-server). */
  sharedState?: { connections: number; operations: SharedStateTiming[]; floor?: EdgeFloor; skipped?: string };
  indexCoverage?: IndexCoverageSummary;
}
