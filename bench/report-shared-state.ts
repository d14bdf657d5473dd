/** Issue #13 in the report: the response cache, the cost of Redis, and the index coverage of the catalogue's reads. */
import { fmt, showRatio } from './report-format';
import type { BenchResults, EdgeFloor, SharedStateTiming } from './results';

/** What a target row says: where the run lands and whether that meets it (`undefined`: not measured). */
export interface SharedStateLanding {
  text: string;
  met: boolean | undefined;
}

const CACHE_MAX_P50_MS = 5;
const CACHE_MIN_SPEED_UP = 20;
const REDIS_MAX_P50_RATIO = 1.2;

const speedUp = (t: SharedStateTiming): number => t.cached.requestsPerSecond / t.redisUncached.requestsPerSecond;
const redisCost = (t: SharedStateTiming): number => t.redisUncached.p50Ms / t.noRedis.p50Ms;
const allHits = (t: SharedStateTiming): boolean => t.xCache[0] === 'miss' && t.xCache[1] === 'hit' && t.cached.errors === 0;

function timings(results: BenchResults): SharedStateTiming[] | string {
  const state = results.sharedState;
  if (!state) return 'not measured in this run';
  if (state.skipped) return `not measured: ${state.skipped}`;
  return state.operations.length > 0 ? state.operations : 'no catalogue operation in this run';
}

/** Operations whose 20× lies above the edge's floor on the cached gateway: out of reach of any response through its pipeline. */
function beyondFloor(results: BenchResults, all: SharedStateTiming[]): string {
  const floor = results.sharedState?.floor?.cached.requestsPerSecond;
  if (floor === undefined) return '';
  const beyond = all.filter((t) => t.redisUncached.requestsPerSecond * CACHE_MIN_SPEED_UP > floor).map((t) => t.operation);
  return beyond.length ? `; 20× is above the gateway's floor (\`{ __typename }\`, ${fmt(floor)} req/s) for ${beyond.join(', ')}` : '';
}

export function cacheLanding(results: BenchResults): SharedStateLanding {
  const all = timings(results);
  if (typeof all === 'string') return { text: all, met: undefined };
  const slowest = all.reduce((worst, t) => (t.cached.p50Ms > worst.cached.p50Ms ? t : worst));
  const least = all.reduce((worst, t) => (speedUp(t) < speedUp(worst) ? t : worst));
  const misses = all.filter((t) => !allHits(t)).map((t) => t.operation);
  return {
    text: `highest cached p50 ${fmt(slowest.cached.p50Ms)} ms (${slowest.operation}); least speed-up ${showRatio(speedUp(least))} the uncached req/s (${least.operation})${beyondFloor(results, all)}${misses.length ? `; not a miss then hits: ${misses.join(', ')}` : ''}`,
    met: slowest.cached.p50Ms <= CACHE_MAX_P50_MS && speedUp(least) >= CACHE_MIN_SPEED_UP && misses.length === 0,
  };
}

export function redisCostLanding(results: BenchResults): SharedStateLanding {
  const all = timings(results);
  if (typeof all === 'string') return { text: all, met: undefined };
  const worst = all.reduce((w, t) => (redisCost(t) > redisCost(w) ? t : w));
  const within = all.filter((t) => redisCost(t) <= REDIS_MAX_P50_RATIO).length;
  return { text: `worst p50 ratio ${showRatio(redisCost(worst))} (${worst.operation}); ${within} of ${all.length} operations within 1.2×`, met: within === all.length };
}

export function indexCoverageLanding(results: BenchResults): SharedStateLanding {
  const coverage = results.indexCoverage;
  if (!coverage) return { text: 'not recorded in this run', met: undefined };
  const allowed = coverage.allowed.length ? `; ${coverage.allowed.length} allowed without one, each capped (README, index coverage)` : '';
  const unserved = coverage.unserved.length ? `; **unserved:** ${coverage.unserved.join('; ')}` : '';
  return { text: `query shapes: ${coverage.shapes}, served by an index: ${coverage.served}${allowed}${unserved}`, met: coverage.unserved.length === 0 };
}

/** One row per catalogue operation: the three gateways side by side. */
export function sharedStateTable(results: BenchResults): string[] {
  const all = timings(results);
  if (typeof all === 'string') return [`Response cache and Redis: ${all}.`];
  const cell = (t: SharedStateTiming['noRedis']): string => `${fmt(t.requestsPerSecond)} / ${fmt(t.p50Ms)}${t.errors ? ` (${t.errors} errors)` : ''}`;
  return [
    `Curated catalogue, ${results.sharedState?.connections} connections, ${results.settings.durationSeconds} s each, one gateway after another per operation: our gateway without \`REDIS_URL\`; with \`REDIS_URL\` and \`RESPONSE_CACHE_ENABLED=false\` (rate limits and APQ in Redis, every request executed); with the response cache on. Each cell is req/s / p50 ms.`,
    '',
    '| Operation | x-cache (1st, 2nd) | no Redis | Redis, uncached | cached | cached ÷ uncached req/s | Redis ÷ no Redis p50 |',
    '|---|---|---:|---:|---:|---:|---:|',
    ...all.map(
      (t) =>
        `| ${t.operation} | ${t.xCache.join(', ')} | ${cell(t.noRedis)} | ${cell(t.redisUncached)} | ${cell(t.cached)} | ${showRatio(speedUp(t))} | ${showRatio(redisCost(t))} |`,
    ),
    ...floorLines(results.sharedState?.floor, cell),
  ];
}

/** The edge's floor under the table: what a cached response is compared with. */
function floorLines(floor: EdgeFloor | undefined, cell: (t: SharedStateTiming['noRedis']) => string): string[] {
  if (!floor) return [];
  return [
    '',
    `The floor of a request through our gateway, \`{ __typename }\` (answered by the engine itself: no subgraph, nothing cached), same load: ${cell(floor.noRedis)} without Redis; ${cell(floor.cached)} on the cached gateway (its rate-limit budget and a cache lookup in Redis). A response from the cache goes through the same pipeline (authentication, rate limit, persisted documents, limits, then the lookup), so it comes no faster: an operation whose uncached req/s × 20 is above the floor cannot reach 20× through it.`,
  ];
}

/** The shapes read during the run, and what no index can serve. */
export function indexCoverageSection(results: BenchResults): string[] {
  const coverage = results.indexCoverage;
  if (!coverage) return ['Not recorded in this run.'];
  return [
    `The shipped catalogue subgraph recorded every read it sent (\`DVC_RECORD_COMMANDS\`), checked against its indexes by MongoDB's selection rules (\`src/platform/db/index-coverage.ts\`): **query shapes: ${coverage.shapes}, served by an index: ${coverage.served}**.`,
    '',
    ...coverage.allowed.map((a) => `- allowed without an index: \`${a.shape}\` — ${a.reason}`),
    ...coverage.unserved.map((u) => `- **served by no index:** \`${u}\``),
  ];
}
