/** The report's tables: per size, per target pair, per operation over sizes, and the citizen lookups. */
import { find, fmt, ratio, showRatio, TARGET_LABELS } from './report-format';
import type { BenchResults, LatencySample, SizeResult, TargetName } from './results';

function sizeTitle(size: SizeResult): string {
  return `${size.label}: ${size.services.toLocaleString('en')} services, ${size.milestones.toLocaleString('en')} milestones, ${size.directives.toLocaleString('en')} directives`;
}

/** Every measurement of one size, and what was not measured there and why. */
export function sizeTable(results: BenchResults, size: SizeResult): string[] {
  const lines = [
    `### ${sizeTitle(size)}`,
    '',
    `${size.loadSeconds === null ? `Database \`${size.database}\`.` : `Database \`${size.database}\`, loaded in ${fmt(size.loadSeconds, 0)} s in this run.`}${size.loadAverage ? ` Load average when it finished: ${size.loadAverage.join(', ')} (1, 5, 15 min; ${results.machine.cpus} CPUs).` : ''}`,
    '',
    ...(size.invocation ? [`Measured separately and merged in: ${size.invocation}.`, ''] : []),
    '| Operation | Target | Mode | Requests | req/s | p50 ms | p99 ms | Errors | DB commands / op | under load | Upstream calls / op | Same JSON as the gateway |',
    '|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|',
  ];
  for (const op of results.operations) {
    for (const m of size.measurements.filter((x) => x.operation === op.name)) {
      lines.push(
        `| ${op.name} | ${TARGET_LABELS[m.target]} | ${m.mode} | ${m.requests.toLocaleString('en')} | ${fmt(m.requestsPerSecond)} | ${fmt(m.p50Ms)} | ${fmt(m.p99Ms)} | ${m.errors} | ${m.databaseCommands} | ${m.databaseCommandsUnderLoad === undefined ? '–' : fmt(m.databaseCommandsUnderLoad, 2)} | ${m.upstreamCalls ?? '–'} | ${m.sameJsonAsGateway ? 'yes' : '**no**'} |`,
      );
    }
  }
  lines.push(
    '',
    '"under load": database commands sent during the load ÷ requests completed (our gateway does not merge concurrent identical subgraph requests; see bench/README.md).',
  );
  if (size.skipped.length > 0) {
    lines.push('', 'Not measured at this size:', '');
    for (const s of size.skipped) lines.push(`- ${s.operation}, ${TARGET_LABELS[s.target]}: ${s.reason}`);
  }
  lines.push('');
  return lines;
}

/** `a` ÷ `b` of one operation at one size, p50 then req/s; a ratio from a single slow request is marked. */
function ratioCells(size: SizeResult, operation: string, a: TargetName, b: TargetName): string[] {
  const ours = find(size, operation, a);
  const other = find(size, operation, b);
  const single = ours?.mode === 'single' || other?.mode === 'single' ? '¹' : '';
  return [`${showRatio(ratio(ours?.p50Ms, other?.p50Ms))}${single}`, `${showRatio(ratio(ours?.requestsPerSecond, other?.requestsPerSecond))}${single}`];
}

const SINGLE_NOTE = '¹ from single requests (too slow to put under load): not a throughput comparison.';

/** Our gateway divided by each other target, per operation. */
export function ratioTable(results: BenchResults, size: SizeResult): string[] {
  const lines = [
    '| Operation | p50 ÷ subgraph alone | req/s ÷ subgraph alone | p50 ÷ Hive Gateway alone | req/s ÷ Hive Gateway alone | p50 ÷ @apollo/gateway | req/s ÷ @apollo/gateway | p50 ÷ REST floor | req/s ÷ REST floor | req/s ÷ naive |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const op of results.operations) {
    const cells = (['subgraph', 'hive', 'apollo', 'rest'] as const).flatMap((target) => ratioCells(size, op.name, 'gateway', target));
    lines.push(`| ${op.name} | ${cells.join(' | ')} | ${showRatio(ratio(find(size, op.name, 'gateway')?.requestsPerSecond, find(size, op.name, 'naive')?.requestsPerSecond))} |`);
  }
  lines.push('', SINGLE_NOTE);
  return lines;
}

/**
 * Where our gateway's time goes, per operation: the engine's own cost (Hive
 * Gateway alone over the subgraph alone), our edge's (our gateway over Hive
 * Gateway alone), and how the subgraph alone compares with @apollo/gateway.
 */
export function costTable(results: BenchResults, size: SizeResult): string[] {
  const lines = [
    '| Operation | Hive Gateway alone ÷ subgraph alone, p50 | req/s | our gateway ÷ Hive Gateway alone, p50 | req/s | subgraph alone ÷ @apollo/gateway, p50 | req/s |',
    '|---|---:|---:|---:|---:|---:|---:|',
  ];
  for (const op of results.operations) {
    const cells = [...ratioCells(size, op.name, 'hive', 'subgraph'), ...ratioCells(size, op.name, 'gateway', 'hive'), ...ratioCells(size, op.name, 'subgraph', 'apollo')];
    lines.push(`| ${op.name} | ${cells.join(' | ')} |`);
  }
  lines.push('', SINGLE_NOTE);
  return lines;
}

/** Our gateway's p50 of each operation at each size. */
export function growthTable(results: BenchResults): string[] {
  const first = results.sizes.find((s) => s.label.endsWith('synthetic'));
  const last = results.sizes.at(-1);
  const lines = [
    `| Operation | Expected growth | ${results.sizes.map((s) => `${s.services.toLocaleString('en')} services`).join(' | ')} | largest ÷ smallest synthetic |`,
    `|---|---|${results.sizes.map(() => '---:').join('|')}|---:|`,
  ];
  for (const op of results.operations) {
    const cells = results.sizes.map((s) => {
      const m = find(s, op.name, 'gateway');
      if (m) return `${fmt(m.p50Ms)}${m.mode === 'single' ? '¹' : ''}`;
      const timedOut = s.skipped.find((k) => k.operation === op.name && k.target === 'gateway')?.reason.match(/no answer within (\d+) s/);
      return timedOut ? `> ${Number(timedOut[1]).toLocaleString('en')} s²` : '–';
    });
    const growth = first && last && first !== last ? showRatio(ratio(find(last, op.name, 'gateway')?.p50Ms, find(first, op.name, 'gateway')?.p50Ms)) : '–';
    lines.push(`| ${op.name} | ${op.growth} | ${cells.join(' | ')} | ${growth} |`);
  }
  lines.push('', '¹ one request, too slow to put under load. ² no answer within the time given (`--flat-timeout-seconds`).');
  return lines;
}

/** The citizen operations under load, every target, every size. */
export function citizenTable(results: BenchResults): string[] {
  const lines = ['| Size | Operation | Target | Upstream calls / request | DB commands / request | p50 ms | p99 ms | req/s |', '|---|---|---|---:|---:|---:|---:|---:|'];
  for (const size of results.sizes) {
    for (const m of size.measurements.filter((x) => x.upstreamCalls !== undefined)) {
      lines.push(
        `| ${size.label} | ${m.operation} | ${TARGET_LABELS[m.target]} | ${m.upstreamCalls} | ${m.databaseCommands} | ${fmt(m.p50Ms)} | ${fmt(m.p99Ms)} | ${fmt(m.requestsPerSecond)} |`,
      );
    }
  }
  return lines;
}

const latencyRow = (what: string, sample: LatencySample): string =>
  sample.requests === 0 ? `| ${what} | 0 | – | – |` : `| ${what} | ${sample.requests.toLocaleString('en')} | ${fmt(sample.p50Ms)} | ${fmt(sample.p99Ms)} |`;

/** Issue #14 item 4: the same 1,000 lookups through the gateway, the subgraph alone, and straight to the stub. */
export function citizenBatchTable(results: BenchResults): string[] {
  const c = results.citizenBatches;
  if (!c) return ['citizens-1000 was not run.'];
  return [
    `${c.ids.toLocaleString('en')} IDs, ${c.batches} upstream batches of ${c.batchSize}, one request (or one set of batches) at a time for ${results.settings.durationSeconds} s each; stub latency ${results.settings.stubLatencyMs} ms.`,
    '',
    '| What | Requests | p50 ms | p99 ms |',
    '|---|---:|---:|---:|',
    latencyRow('`citizens-1000` through our gateway', c.gateway),
    latencyRow('`citizens-1000` to the population subgraph alone (signed)', c.subgraph),
    latencyRow(`the ${c.batches} batches straight to the stub, all at once`, c.stubAllAtOnce),
    latencyRow(
      `the ${c.batches} batches straight to the stub, ${c.connectorConcurrency} at a time (the connector's POPULATION_MAX_CONCURRENT_BATCHES)`,
      c.stubAtConnectorConcurrency,
    ),
    '',
    `Gateway ÷ stub (all at once): ${showRatio(c.gateway.p50Ms / c.stubAllAtOnce.p50Ms)}; gateway ÷ subgraph alone: ${showRatio(c.gateway.p50Ms / c.subgraph.p50Ms)}; subgraph alone ÷ stub at the connector's concurrency: ${showRatio(c.subgraph.p50Ms / c.stubAtConnectorConcurrency.p50Ms)}.`,
  ];
}
