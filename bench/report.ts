/** Renders bench/results.json as RESULTS.md (tables in bench/report-*.ts) and an SVG chart (bench/report-chart.ts). */
import { describeBench } from './report-format';
import { citizenBatchTable, citizenTable, costTable, growthTable, ratioTable, sizeTable } from './report-tables';
import { indexCoverageSection, sharedStateTable } from './report-shared-state';
import { targetsTable } from './report-targets';
import type { BenchResults } from './results';

export function renderResults(results: BenchResults): string {
  return [
    '# Benchmark results',
    '',
    `Written by \`npm run bench\` on ${results.date.slice(0, 10)} (${results.date}); rerun it to regenerate this file, \`results.json\` and \`latency-vs-size.svg\`. How it measures and how to read it: [README.md](README.md).`,
    '',
    ...describeBench(results),
    '',
    '## Targets',
    '',
    ...targetsTable(results),
    '',
    '## Citizen batches: the gateway against the stub alone',
    '',
    ...citizenBatchTable(results),
    '',
    '## Response cache and Redis',
    '',
    ...sharedStateTable(results),
    '',
    '## Index coverage of the catalogue reads',
    '',
    ...indexCoverageSection(results),
    '',
    '## Our gateway against the subgraph alone, Hive Gateway alone and @apollo/gateway',
    '',
    ...results.sizes.flatMap((size) => [`### ${size.label}`, '', ...ratioTable(results, size), '']),
    "## Where our gateway's time goes",
    '',
    "The engine's own cost is Hive Gateway alone against the subgraph alone; our edge's is our gateway against Hive Gateway alone. A gateway that sends each request to the subgraph cannot be faster than the subgraph alone, so where the subgraph alone is above 0.6× @apollo/gateway's p50, or below 2× its req/s, no such gateway can meet #12's second target.",
    '',
    ...results.sizes.flatMap((size) => [`### ${size.label}`, '', ...costTable(results, size), '']),
    '## Latency versus catalogue size',
    '',
    '![p50 latency of each operation versus the number of services](latency-vs-size.svg)',
    '',
    '### Our gateway, p50 in ms',
    '',
    ...growthTable(results),
    '',
    '## Citizen lookups under load',
    '',
    ...citizenTable(results),
    '',
    '## Operations',
    '',
    ...results.operations.map((op) => `- **${op.name}** (${op.growth}${op.nested ? ', nested lists' : ''}): ${op.description}.`),
    '',
    '## By size',
    '',
    ...results.sizes.flatMap((size) => sizeTable(results, size)),
  ].join('\n');
}

export { renderChart } from './report-chart';
