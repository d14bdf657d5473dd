/** An SVG chart of p50 latency against catalogue size: one colour per operation, one dash pattern per target. */
import type { BenchResults, Measurement, TargetName } from './results';
import { TARGETS } from './results';
import { TARGET_LABELS } from './report-format';

const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2', '#17becf', '#bcbd22'];
const DASH: Record<TargetName, string> = { gateway: '', subgraph: '1 3', hive: '4 2', apollo: '6 2 1 2', rest: '8 4', naive: '2 4' };
const PLOT = { left: 70, top: 40, right: 640, bottom: 420 };
const escapeXml = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

interface Point {
  services: number;
  ms: number;
  m: Measurement;
}

interface Scales {
  x(services: number): number;
  y(ms: number): number;
  xRange: [number, number];
  yRange: [number, number];
}

function scalesFor(points: Point[]): Scales {
  const xs = points.map((p) => Math.log10(p.services));
  const ys = points.map((p) => Math.log10(p.ms));
  const xRange: [number, number] = xs.length ? [Math.floor(Math.min(...xs)), Math.ceil(Math.max(...xs))] : [2, 5];
  const yRange: [number, number] = ys.length ? [Math.floor(Math.min(...ys)), Math.ceil(Math.max(...ys))] : [0, 4];
  return {
    xRange,
    yRange,
    x: (services) => PLOT.left + ((Math.log10(services) - xRange[0]) / Math.max(xRange[1] - xRange[0], 1)) * (PLOT.right - PLOT.left),
    y: (ms) => PLOT.bottom - ((Math.log10(ms) - yRange[0]) / Math.max(yRange[1] - yRange[0], 1)) * (PLOT.bottom - PLOT.top),
  };
}

function grid(s: Scales): string[] {
  const out: string[] = [];
  for (let e = s.xRange[0]; e <= s.xRange[1]; e += 1) {
    const px = s.x(10 ** e);
    out.push(
      `<line x1="${px}" y1="${PLOT.top}" x2="${px}" y2="${PLOT.bottom}" stroke="#ddd"/>`,
      `<text x="${px}" y="${PLOT.bottom + 16}" text-anchor="middle">${(10 ** e).toLocaleString('en')}</text>`,
    );
  }
  for (let e = s.yRange[0]; e <= s.yRange[1]; e += 1) {
    const py = s.y(10 ** e);
    const label = 10 ** e >= 1000 ? `${10 ** (e - 3)} s` : `${10 ** e} ms`;
    out.push(`<line x1="${PLOT.left}" y1="${py}" x2="${PLOT.right}" y2="${py}" stroke="#ddd"/>`, `<text x="${PLOT.left - 6}" y="${py + 4}" text-anchor="end">${label}</text>`);
  }
  out.push(`<text x="${(PLOT.left + PLOT.right) / 2}" y="${PLOT.bottom + 34}" text-anchor="middle">services in the catalogue (log scale)</text>`);
  out.push(`<rect x="${PLOT.left}" y="${PLOT.top}" width="${PLOT.right - PLOT.left}" height="${PLOT.bottom - PLOT.top}" fill="none" stroke="#888"/>`);
  return out;
}

function series(points: Point[], s: Scales, operation: string, colour: string): string[] {
  const out: string[] = [];
  for (const target of TARGETS) {
    const line = points.filter((p) => p.m.operation === operation && p.m.target === target).sort((a, b) => a.services - b.services);
    if (line.length === 0) continue;
    const path = line.map((p, i) => `${i === 0 ? 'M' : 'L'}${s.x(p.services).toFixed(1)},${s.y(p.ms).toFixed(1)}`).join(' ');
    out.push(`<path d="${path}" fill="none" stroke="${colour}" stroke-width="2" stroke-dasharray="${DASH[target]}"/>`);
    for (const p of line)
      out.push(`<circle cx="${s.x(p.services).toFixed(1)}" cy="${s.y(p.ms).toFixed(1)}" r="3" fill="${p.m.mode === 'single' ? '#fff' : colour}" stroke="${colour}"/>`);
  }
  return out;
}

function legend(results: BenchResults): string[] {
  const out: string[] = [];
  results.operations.forEach((op, index) => {
    const ly = PLOT.top + 8 + index * 18;
    out.push(
      `<line x1="${PLOT.right + 20}" y1="${ly}" x2="${PLOT.right + 44}" y2="${ly}" stroke="${COLOURS[index % COLOURS.length]}" stroke-width="2"/>`,
      `<text x="${PLOT.right + 50}" y="${ly + 4}">${escapeXml(op.name)}</text>`,
    );
  });
  const top = PLOT.top + 8 + results.operations.length * 18 + 12;
  TARGETS.forEach((target, i) => {
    const ly = top + i * 18;
    out.push(
      `<line x1="${PLOT.right + 20}" y1="${ly}" x2="${PLOT.right + 44}" y2="${ly}" stroke="#333" stroke-width="2" stroke-dasharray="${DASH[target]}"/>`,
      `<text x="${PLOT.right + 50}" y="${ly + 4}">${escapeXml(TARGET_LABELS[target])}</text>`,
    );
  });
  const circleY = top + TARGETS.length * 18;
  out.push(
    `<circle cx="${PLOT.right + 32}" cy="${circleY}" r="3" fill="#fff" stroke="#333"/>`,
    `<text x="${PLOT.right + 50}" y="${circleY + 4}">one request (too slow for load)</text>`,
  );
  return out;
}

/** p50 latency (log) against services (log). */
export function renderChart(results: BenchResults): string {
  const width = 900;
  const height = 480;
  const points = results.sizes.flatMap((size) => size.measurements.map((m) => ({ services: size.services, ms: Math.max(m.p50Ms, 0.1), m })));
  const scales = scalesFor(points);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    `<text x="${PLOT.left}" y="22" font-size="14" font-weight="bold">p50 latency versus catalogue size (${escapeXml(results.database.kind.split(' (')[0] ?? '')}, ${results.date.slice(0, 10)})</text>`,
    ...grid(scales),
    ...results.operations.flatMap((op, index) => series(points, scales, op.name, COLOURS[index % COLOURS.length] as string)),
    ...legend(results),
    '</svg>',
    '',
  ].join('\n');
}
