/** Number formatting and lookups shared by the report's tables. */
import type { BenchResults, Measurement, SizeResult, TargetName } from './results';

export const fmt = (n: number, digits = 1): string => (Number.isFinite(n) ? n.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : '–');
export const ratio = (a: number | undefined, b: number | undefined): number | undefined => (a !== undefined && b !== undefined && b > 0 ? a / b : undefined);
export const showRatio = (r: number | undefined): string => (r === undefined ? '–' : `${fmt(r, 2)}×`);

export function find(size: SizeResult, operation: string, target: TargetName): Measurement | undefined {
  return size.measurements.find((m) => m.operation === operation && m.target === target);
}

/** Both measured under load (a single slow request says nothing about throughput). */
export function bothLoaded(a: Measurement | undefined, b: Measurement | undefined): boolean {
  return a?.mode === 'load' && b?.mode === 'load';
}

export const TARGET_LABELS: Record<TargetName, string> = {
  gateway: 'our gateway',
  subgraph: 'subgraph alone',
  hive: 'Hive Gateway alone',
  apollo: '@apollo/gateway',
  rest: 'REST floor',
  naive: 'naive',
};

export function describeBench(results: BenchResults): string[] {
  const m = results.machine;
  const s = results.settings;
  return [
    `- **Machine:** ${m.cpus} CPUs (\`nproc\`), ${m.cpuModel}, ${m.memoryGiB} GiB, Node ${m.node}, ${m.platform}.`,
    `- **Database:** ${results.database.kind}, ${results.database.version}.`,
    `- **Load:** autocannon, ${s.connections} connection${s.connections === 1 ? '' : 's'}, ${s.durationSeconds} s per operation and target, after one check request (warm-up, JSON comparison, command count). A check request slower than ${s.loadMaxSeconds} s is reported alone (mode \`single\`).`,
    '- **Targets,** each in its own process: our gateway as it ships (`node dist/src/main.js` with `SUPERGRAPH_FILE`, request log off); the owning subgraph called directly with signed requests; Hive Gateway alone (the engine without our edge) and @apollo/gateway 2.14 over the same supergraph and subgraphs; the REST floor; our gateway over naive subgraphs.',
    `- **Population stub:** ${s.stubLatencyMs} ms latency, no jitter, no rate limit; the connector sends at most ${s.upstreamBatchLimit} IDs per upstream call.`,
    `- **Synthetic data:** \`npm run seed:synthetic\`, seed ${s.seed}, on top of the curated catalogue.`,
  ];
}
