/** Renders bench/results.json as RESULTS.md and an SVG chart of latency versus catalogue size. */
import type { BenchResults, Measurement, SizeResult, Variant } from './results';

const fmt = (n: number, digits = 1): string => (Number.isFinite(n) ? n.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : '–');
const ratio = (a: number | undefined, b: number | undefined): number | undefined => (a !== undefined && b !== undefined && b > 0 ? a / b : undefined);
const showRatio = (r: number | undefined): string => (r === undefined ? '–' : `${fmt(r, 2)}×`);

function find(size: SizeResult, operation: string, variant: Variant): Measurement | undefined {
  return size.measurements.find((m) => m.operation === operation && m.variant === variant);
}

function sizeTitle(size: SizeResult): string {
  return `${size.label}: ${size.services.toLocaleString('en')} services, ${size.milestones.toLocaleString('en')} milestones, ${size.directives.toLocaleString('en')} directives`;
}

/** The size whose total service count is closest to `services` (sizes are labelled by synthetic services). */
function sizeNear(results: BenchResults, services: number): SizeResult | undefined {
  return results.sizes.find((s) => s.label === `${services.toLocaleString('en')} synthetic`);
}

function targets(results: BenchResults): string[] {
  const lines = ['| Target | Where it lands | Met |', '|---|---|---|'];
  const ops = results.operations.filter((o) => o.growth !== 'upstream');

  // 1. Commands per operation independent of result size.
  const commandRows = ops.map((op) => {
    const counts = results.sizes.map((s) => find(s, op.name, 'shipped')?.databaseCommands).filter((n): n is number => n !== undefined);
    return { op: op.name, counts };
  });
  // Does not grow: a later (larger) size never needs more commands than the smallest.
  const flat = commandRows.every((r) => r.counts.length > 0 && r.counts.every((n) => n <= (r.counts[0] ?? 0)));
  lines.push(
    `| Database commands per operation ≤ one per list level, independent of result size | shipped, by size: ${commandRows.map((r) => `${r.op} ${r.counts.join('/')}`).join('; ')} | ${flat ? 'yes' : 'no'} |`,
  );

  // 2. Shipped ≥ 5× naive on nested operations at 10k.
  // At 10k, or at the largest size where the naive variant ran.
  const withNaive = [...results.sizes].reverse().find((s) => s.services <= 10_200 && s.measurements.some((m) => m.variant === 'naive'));
  if (withNaive) {
    const nested = ops
      .filter((o) => o.nested)
      .map((op) => {
        const naive = find(withNaive, op.name, 'naive');
        const skipped = withNaive.skipped.find((k) => k.operation === op.name && k.variant === 'naive');
        const r = ratio(find(withNaive, op.name, 'shipped')?.requestsPerSecond, naive?.requestsPerSecond);
        return { op: op.name, r, shown: r !== undefined ? showRatio(r) : skipped ? `naive not measured (${skipped.reason})` : '–' };
      });
    const met = withNaive.label.startsWith('10,000') && nested.every((n) => n.r !== undefined && n.r >= 5);
    lines.push(
      `| Shipped ≥ 5× the naive variant's req/s on nested operations at 10k services | at ${withNaive.label}: ${nested.map((n) => `${n.op} ${n.shown}`).join('; ')} | ${met ? 'yes' : 'no'} |`,
    );
  } else {
    lines.push("| Shipped ≥ 5× the naive variant's req/s on nested operations at 10k services | the naive variant was not run | – |");
  }

  // 3. Within 2× of the REST floor's p50 and ≥ 0.5× its req/s, at every size measured under load.
  const restRows = results.sizes
    .flatMap((size) =>
      ops.map((op) => {
        const shipped = find(size, op.name, 'shipped');
        const rest = find(size, op.name, 'rest');
        return { size, op: op.name, p50: ratio(shipped?.p50Ms, rest?.p50Ms), rps: ratio(shipped?.requestsPerSecond, rest?.requestsPerSecond) };
      }),
    )
    .filter((r) => r.p50 !== undefined);
  const worstP50 = restRows.reduce((worst, r) => ((r.p50 ?? 0) > (worst?.p50 ?? 0) ? r : worst), restRows[0]);
  const worstRps = restRows.reduce((worst, r) => ((r.rps ?? Infinity) < (worst?.rps ?? Infinity) ? r : worst), restRows[0]);
  const restMet = restRows.length > 0 && restRows.every((r) => (r.p50 ?? Infinity) <= 2 && (r.rps ?? 0) >= 0.5);
  lines.push(
    `| Shipped p50 within 2× of the REST floor's, req/s ≥ 0.5× | worst p50 ratio ${showRatio(worstP50?.p50)} (${worstP50?.op}, ${worstP50?.size.label}); worst req/s ratio ${showRatio(worstRps?.rps)} (${worstRps?.op}, ${worstRps?.size.label}) | ${restMet ? 'yes' : 'no'} |`,
  );

  // 4. Flat operations at 100k within 1.5× of 1k.
  const at1k = sizeNear(results, 1_000);
  const at100k = sizeNear(results, 100_000);
  if (at1k && at100k) {
    const flat = ops
      .filter((o) => o.growth === 'flat')
      .map((op) => {
        const small = find(at1k, op.name, 'shipped')?.p50Ms;
        const timedOut = at100k.skipped.find((k) => k.operation === op.name && k.variant === 'shipped')?.reason.match(/no answer within (\d+) s/);
        const r = ratio(find(at100k, op.name, 'shipped')?.p50Ms, small);
        const shown = r !== undefined ? showRatio(r) : timedOut && small ? `> ${fmt((Number(timedOut[1]) * 1000) / small, 0)}× (no answer within ${timedOut[1]} s)` : '–';
        return { op: op.name, r, shown };
      });
    const met = flat.every((f) => f.r !== undefined && f.r <= 1.5);
    lines.push(`| Paginated and by-id operations at 100k services within 1.5× of their p50 at 1k | ${flat.map((f) => `${f.op} ${f.shown}`).join('; ')} | ${met ? 'yes' : 'no'} |`);
  } else {
    lines.push('| Paginated and by-id operations at 100k services within 1.5× of their p50 at 1k | not run at both sizes in this run | – |');
  }
  return lines;
}

function sizeTable(results: BenchResults, size: SizeResult): string[] {
  const lines = [
    `### ${sizeTitle(size)}`,
    '',
    size.loadSeconds === null ? `Database \`${size.database}\`.` : `Database \`${size.database}\`, loaded in ${fmt(size.loadSeconds, 0)} s in this run.`,
    '',
    ...(size.invocation ? [`Measured separately and merged in: ${size.invocation}.`, ''] : []),
    '| Operation | Variant | Mode | Requests | req/s | p50 ms | p99 ms | Errors | DB commands / op | Same JSON as shipped |',
    '|---|---|---|---:|---:|---:|---:|---:|---:|---|',
  ];
  for (const op of results.operations) {
    for (const m of size.measurements.filter((x) => x.operation === op.name)) {
      lines.push(
        `| ${op.name} | ${m.variant} | ${m.mode} | ${m.requests.toLocaleString('en')} | ${fmt(m.requestsPerSecond)} | ${fmt(m.p50Ms)} | ${fmt(m.p99Ms)} | ${m.errors} | ${m.databaseCommands} | ${m.sameJsonAsShipped ? 'yes' : '**no**'} |`,
      );
    }
  }
  lines.push('', '| Operation | shipped ÷ naive req/s | shipped ÷ REST p50 | shipped ÷ REST req/s |', '|---|---:|---:|---:|');
  for (const op of results.operations.filter((o) => o.growth !== 'upstream')) {
    const shipped = find(size, op.name, 'shipped');
    lines.push(
      `| ${op.name} | ${showRatio(ratio(shipped?.requestsPerSecond, find(size, op.name, 'naive')?.requestsPerSecond))} | ${showRatio(ratio(shipped?.p50Ms, find(size, op.name, 'rest')?.p50Ms))} | ${showRatio(ratio(shipped?.requestsPerSecond, find(size, op.name, 'rest')?.requestsPerSecond))} |`,
    );
  }
  if (size.skipped.length > 0) {
    lines.push('', 'Not measured at this size:', '');
    for (const s of size.skipped) lines.push(`- ${s.operation}, ${s.variant}: ${s.reason}`);
  }
  lines.push('');
  return lines;
}

function growthTable(results: BenchResults): string[] {
  const first = results.sizes.find((s) => s.label.endsWith('synthetic'));
  const last = results.sizes.at(-1);
  const lines = [
    `| Operation | Expected growth | ${results.sizes.map((s) => `${s.services.toLocaleString('en')} services`).join(' | ')} | largest ÷ smallest synthetic |`,
    `|---|---|${results.sizes.map(() => '---:').join('|')}|---:|`,
  ];
  for (const op of results.operations) {
    const cells = results.sizes.map((s) => {
      const m = find(s, op.name, 'shipped');
      if (m) return `${fmt(m.p50Ms)}${m.mode === 'single' ? '¹' : ''}`;
      const timedOut = s.skipped.find((k) => k.operation === op.name && k.variant === 'shipped')?.reason.match(/no answer within (\d+) s/);
      return timedOut ? `> ${Number(timedOut[1]).toLocaleString('en')} s²` : '–';
    });
    const growth = first && last && first !== last ? showRatio(ratio(find(last, op.name, 'shipped')?.p50Ms, find(first, op.name, 'shipped')?.p50Ms)) : '–';
    lines.push(`| ${op.name} | ${op.growth} | ${cells.join(' | ')} | ${growth} |`);
  }
  lines.push('', '¹ one request, too slow to put under load. ² no answer within the time given (`--flat-timeout-seconds`).');
  return lines;
}

function citizenTable(results: BenchResults): string[] {
  const lines = ['| Size | Operation | Variant | Upstream calls / request | p50 ms | p99 ms | req/s | Floor: stub latency |', '|---|---|---|---:|---:|---:|---:|---:|'];
  for (const size of results.sizes) {
    for (const m of size.measurements.filter((x) => x.upstreamCalls !== undefined)) {
      lines.push(
        `| ${size.label} | ${m.operation} | ${m.variant} | ${m.upstreamCalls} | ${fmt(m.p50Ms)} | ${fmt(m.p99Ms)} | ${fmt(m.requestsPerSecond)} | ${results.settings.stubLatencyMs} ms |`,
      );
    }
  }
  return lines;
}

export function renderResults(results: BenchResults): string {
  const m = results.machine;
  const s = results.settings;
  return [
    '# Benchmark results',
    '',
    `Written by \`npm run bench\` on ${results.date.slice(0, 10)} (${results.date}); rerun it to regenerate this file, \`results.json\` and \`latency-vs-size.svg\`. How it measures and how to read it: [README.md](README.md).`,
    '',
    `- **Machine:** ${m.cpus} × ${m.cpuModel}, ${m.memoryGiB} GiB, Node ${m.node}, ${m.platform}.`,
    `- **Database:** ${results.database.kind}, ${results.database.version}.`,
    `- **Load:** autocannon, ${s.connections} connections, ${s.durationSeconds} s per operation and variant, after one check request (warm-up, JSON comparison, command count). A check request slower than ${s.loadMaxSeconds} s is reported alone (mode \`single\`).`,
    `- **Population stub:** ${s.stubLatencyMs} ms latency, no jitter, no rate limit; the connector sends at most ${s.upstreamBatchLimit} IDs per upstream call.`,
    `- **Synthetic data:** \`npm run seed:synthetic\`, seed ${s.seed}, on top of the curated catalogue.`,
    '',
    '## Targets',
    '',
    ...targets(results),
    '',
    '## Latency versus catalogue size',
    '',
    '![p50 latency of each operation versus the number of services](latency-vs-size.svg)',
    '',
    '### Shipped gateway, p50 in ms',
    '',
    ...growthTable(results),
    '',
    '## Citizen lookups',
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

const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2', '#17becf'];
const DASH: Record<Variant, string> = { shipped: '', naive: '2 4', rest: '8 4' };
const escapeXml = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** p50 latency (log) against services (log), one colour per operation, one dash pattern per variant. */
export function renderChart(results: BenchResults): string {
  const width = 900;
  const height = 480;
  const plot = { left: 70, top: 40, right: 640, bottom: 420 };
  const points = results.sizes.flatMap((size) => size.measurements.map((m) => ({ services: size.services, ms: Math.max(m.p50Ms, 0.1), m })));
  const xs = points.map((p) => Math.log10(p.services));
  const ys = points.map((p) => Math.log10(p.ms));
  const [xMin, xMax] = xs.length ? [Math.floor(Math.min(...xs)), Math.ceil(Math.max(...xs))] : [2, 5];
  const [yMin, yMax] = ys.length ? [Math.floor(Math.min(...ys)), Math.ceil(Math.max(...ys))] : [0, 4];
  const x = (services: number): number => plot.left + ((Math.log10(services) - xMin) / Math.max(xMax - xMin, 1)) * (plot.right - plot.left);
  const y = (ms: number): number => plot.bottom - ((Math.log10(ms) - yMin) / Math.max(yMax - yMin, 1)) * (plot.bottom - plot.top);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    `<text x="${plot.left}" y="22" font-size="14" font-weight="bold">p50 latency versus catalogue size (${escapeXml(results.database.kind.split(' (')[0] ?? '')}, ${results.date.slice(0, 10)})</text>`,
  ];
  for (let e = xMin; e <= xMax; e += 1) {
    const px = x(10 ** e);
    out.push(
      `<line x1="${px}" y1="${plot.top}" x2="${px}" y2="${plot.bottom}" stroke="#ddd"/>`,
      `<text x="${px}" y="${plot.bottom + 16}" text-anchor="middle">${(10 ** e).toLocaleString('en')}</text>`,
    );
  }
  for (let e = yMin; e <= yMax; e += 1) {
    const py = y(10 ** e);
    const label = 10 ** e >= 1000 ? `${10 ** (e - 3)} s` : `${10 ** e} ms`;
    out.push(`<line x1="${plot.left}" y1="${py}" x2="${plot.right}" y2="${py}" stroke="#ddd"/>`, `<text x="${plot.left - 6}" y="${py + 4}" text-anchor="end">${label}</text>`);
  }
  out.push(`<text x="${(plot.left + plot.right) / 2}" y="${plot.bottom + 34}" text-anchor="middle">services in the catalogue (log scale)</text>`);
  out.push(`<rect x="${plot.left}" y="${plot.top}" width="${plot.right - plot.left}" height="${plot.bottom - plot.top}" fill="none" stroke="#888"/>`);
  results.operations.forEach((op, index) => {
    const colour = COLOURS[index % COLOURS.length];
    for (const variant of ['shipped', 'naive', 'rest'] as const) {
      const series = points.filter((p) => p.m.operation === op.name && p.m.variant === variant).sort((a, b) => a.services - b.services);
      if (series.length === 0) continue;
      const path = series.map((p, i) => `${i === 0 ? 'M' : 'L'}${x(p.services).toFixed(1)},${y(p.ms).toFixed(1)}`).join(' ');
      out.push(`<path d="${path}" fill="none" stroke="${colour}" stroke-width="2" stroke-dasharray="${DASH[variant]}"/>`);
      for (const p of series)
        out.push(`<circle cx="${x(p.services).toFixed(1)}" cy="${y(p.ms).toFixed(1)}" r="3" fill="${p.m.mode === 'single' ? '#fff' : colour}" stroke="${colour}"/>`);
    }
    const ly = plot.top + 8 + index * 18;
    out.push(
      `<line x1="${plot.right + 20}" y1="${ly}" x2="${plot.right + 44}" y2="${ly}" stroke="${colour}" stroke-width="2"/>`,
      `<text x="${plot.right + 50}" y="${ly + 4}">${escapeXml(op.name)}</text>`,
    );
  });
  const legendY = plot.top + 8 + results.operations.length * 18 + 12;
  (['shipped', 'naive', 'rest'] as const).forEach((variant, i) => {
    const ly = legendY + i * 18;
    out.push(
      `<line x1="${plot.right + 20}" y1="${ly}" x2="${plot.right + 44}" y2="${ly}" stroke="#333" stroke-width="2" stroke-dasharray="${DASH[variant]}"/>`,
      `<text x="${plot.right + 50}" y="${ly + 4}">${variant === 'rest' ? 'REST floor' : variant}</text>`,
    );
  });
  out.push(
    `<circle cx="${plot.right + 32}" cy="${legendY + 54}" r="3" fill="#fff" stroke="#333"/>`,
    `<text x="${plot.right + 50}" y="${legendY + 58}">one request (too slow for load)</text>`,
  );
  out.push('</svg>', '');
  return out.join('\n');
}
