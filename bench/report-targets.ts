/** The targets of issues #12, #13 and #14 (and the earlier ones that still apply), and where this run lands. */
import { bothLoaded, find, fmt, ratio, showRatio } from './report-format';
import type { BenchResults, SizeResult, TargetName } from './results';
import { cacheLanding, indexCoverageLanding, redisCostLanding, type SharedStateLanding } from './report-shared-state';

interface Pair {
  size: SizeResult;
  operation: string;
  /** Our gateway ÷ the other target. */
  p50: number;
  rps: number;
}

/** `ours` (our gateway unless given) ÷ `other` for every operation both ran under load, at every size. */
function pairs(results: BenchResults, other: TargetName, operations: (name: string) => boolean, ours: TargetName = 'gateway'): Pair[] {
  return results.sizes.flatMap((size) =>
    results.operations
      .filter((op) => operations(op.name))
      .flatMap((op) => {
        const gateway = find(size, op.name, ours);
        const them = find(size, op.name, other);
        const p50 = ratio(gateway?.p50Ms, them?.p50Ms);
        const rps = ratio(gateway?.requestsPerSecond, them?.requestsPerSecond);
        return bothLoaded(gateway, them) && p50 !== undefined && rps !== undefined ? [{ size, operation: op.name, p50, rps }] : [];
      }),
  );
}

const range = (values: number[]): string => `${showRatio(Math.min(...values))}–${showRatio(Math.max(...values))}`;

const where = (p: Pair | undefined): string => (p ? `${p.operation}, ${p.size.label}` : 'none measured');

interface Landing {
  text: string;
  met: boolean;
}

/** The worst p50 ratio (highest) and req/s ratio (lowest), and whether every pair is within both bounds. */
function landing(all: Pair[], maxP50: number, minRps: number): Landing {
  if (all.length === 0) return { text: 'not measured under load in this run', met: false };
  const worstP50 = all.reduce((worst, p) => (p.p50 > worst.p50 ? p : worst));
  const worstRps = all.reduce((worst, p) => (p.rps < worst.rps ? p : worst));
  const within = all.filter((p) => p.p50 <= maxP50 && p.rps >= minRps);
  return {
    text: `worst p50 ratio ${showRatio(worstP50.p50)} (${where(worstP50)}); worst req/s ratio ${showRatio(worstRps.rps)} (${where(worstRps)}); ${within.length} of ${all.length} pairs within both`,
    met: within.length === all.length,
  };
}

function row(target: string, landed: Landing | string): string {
  if (typeof landed === 'string') return `| ${target} | ${landed} | – |`;
  const verdict = landed.met ? 'yes' : '**no**';
  return `| ${target} | ${landed.text} | ${verdict} |`;
}

function measuredRow(target: string, landed: SharedStateLanding): string {
  return landed.met === undefined ? row(target, landed.text) : row(target, { text: landed.text, met: landed.met });
}

/**
 * #12's second target asks for more than the subgraph alone gives wherever the
 * subgraph alone is above 0.6× @apollo/gateway's p50 or below 2× its req/s:
 * there no gateway that sends each request to the subgraph can meet it.
 */
function apolloLanding(results: BenchResults): Landing {
  const landed = landing(
    pairs(results, 'apollo', () => true),
    0.6,
    2,
  );
  const bounds = pairs(results, 'apollo', () => true, 'subgraph');
  if (bounds.length === 0) return landed;
  const outOfReach = bounds.filter((p) => p.p50 > 0.6 || p.rps < 2);
  return {
    text: `${landed.text}. The subgraph alone against @apollo/gateway: p50 ${range(bounds.map((p) => p.p50))}, req/s ${range(bounds.map((p) => p.rps))}: out of reach of any gateway that sends each request to the subgraph for ${outOfReach.length} of ${bounds.length} pairs`,
    met: landed.met,
  };
}

function isCatalogue(results: BenchResults): (name: string) => boolean {
  return (name) => results.operations.some((op) => op.name === name && op.growth !== 'upstream');
}

/**
 * Against the stub answering the same batches as the connector sends them (at most
 * POPULATION_MAX_CONCURRENT_BATCHES at a time): the issue's "about 80 ms" is that figure.
 * The stub's time with all 20 at once is shown beside it.
 */
function citizenBatchLanding(results: BenchResults): Landing | string {
  const c = results.citizenBatches;
  if (!c) return 'citizens-1000 was not run';
  const r = c.gateway.p50Ms / c.stubAtConnectorConcurrency.p50Ms;
  const allAtOnce = c.gateway.p50Ms / c.stubAllAtOnce.p50Ms;
  return {
    text: `p50 ${fmt(c.gateway.p50Ms)} ms through the gateway (chained audit trail on), ${fmt(c.stubAtConnectorConcurrency.p50Ms)} ms for the ${c.batches} batches straight to the stub ${c.connectorConcurrency} at a time as the connector sends them: ${showRatio(r)} (${showRatio(allAtOnce)} the stub's ${fmt(c.stubAllAtOnce.p50Ms)} ms with all ${c.batches} at once)`,
    met: r <= 2,
  };
}

function commandsLanding(results: BenchResults): Landing {
  const rows = results.operations
    .filter((o) => o.growth !== 'upstream')
    .map((op) => ({
      op: op.name,
      counts: results.sizes.map((s) => find(s, op.name, 'gateway')?.databaseCommands).filter((n): n is number => n !== undefined),
    }));
  // Does not grow: a later (larger) size never needs more commands than the smallest.
  const met = rows.every((r) => r.counts.length > 0 && r.counts.every((n) => n <= (r.counts[0] ?? 0)));
  return { text: `our gateway, by size: ${rows.map((r) => `${r.op} ${r.counts.join('/')}`).join('; ')}`, met };
}

function naiveLanding(results: BenchResults): Landing | string {
  const at10k = results.sizes.find((s) => s.label === '10,000 synthetic');
  if (!at10k) return 'not run at 10,000 synthetic services in this run';
  const nested = results.operations
    .filter((o) => o.nested)
    .map((op) => ({ op: op.name, r: ratio(find(at10k, op.name, 'gateway')?.requestsPerSecond, find(at10k, op.name, 'naive')?.requestsPerSecond) }));
  return { text: nested.map((n) => `${n.op} ${showRatio(n.r)}`).join('; '), met: nested.every((n) => n.r !== undefined && n.r >= 5) };
}

export function targetsTable(results: BenchResults): string[] {
  const catalogue = isCatalogue(results);
  return [
    '| Target | Where it lands | Met |',
    '|---|---|---|',
    row(
      "#12 The gateway's own cost: catalogue operations through the gateway against the catalogue subgraph alone, p50 within 1.15×, req/s at least 0.85×",
      landing(pairs(results, 'subgraph', catalogue), 1.15, 0.85),
    ),
    row('#12 Against the reference gateway (@apollo/gateway, same supergraph and operations): at least 2× its req/s, at most 0.6× its p50', apolloLanding(results)),
    row("#14.4 1,000 citizen lookups: p50 at most 2× the stub's own time for the same batches (one request at a time)", citizenBatchLanding(results)),
    measuredRow('#13 A repeated catalogue operation from the response cache: p50 at most 5 ms and at least 20× the uncached req/s', cacheLanding(results)),
    measuredRow('#13 The cost of Redis on an uncached request: p50 with `REDIS_URL` within 1.2× of without', redisCostLanding(results)),
    measuredRow("#13 Every catalogue read served by an index (MongoDB's rules), or allowed with a cap", indexCoverageLanding(results)),
    row('Database commands per operation ≤ one per list level, independent of result size', commandsLanding(results)),
    row("Our gateway's p50 within 2× of the REST floor's, req/s ≥ 0.5×", landing(pairs(results, 'rest', catalogue), 2, 0.5)),
    row("Our gateway ≥ 5× the naive variant's req/s on nested operations at 10k services", naiveLanding(results)),
  ];
}
