import { BarChart, FixedScaleAxis, LineChart, type BarDrawEvent, type PointDrawEvent, type Svg } from 'chartist';
import { useEffect, useRef } from 'react';
import 'chartist/dist/index.css';
import type { BarChartData, ChartData, LineChartData } from './result-charts';

/**
 * The charts of the results view, drawn by Chartist (SVG; see src/gateway/ide/README.md for the
 * choice). Chartist draws imperatively into a container; these components own that container
 * and redraw when the data or the pane's size changes.
 */

/** Chartist's own charts, as far as these components drive them. */
interface DrawnChart {
  update(): unknown;
  detach(): unknown;
}

/**
 * Draws into the returned container's element, and redraws when it resizes: Chartist listens
 * to the window's resize only, and GraphiQL's panes resize without one.
 */
function useChartist<T>(data: T, draw: (container: HTMLDivElement, data: T) => DrawnChart) {
  const containerRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const container = containerRef.current;
    if (!container) return undefined;
    const chart = draw(container, data);
    const observer = new ResizeObserver(() => chart.update());
    observer.observe(container);
    return () => {
      observer.disconnect();
      chart.detach();
    };
  }, [data, draw]);
  return containerRef;
}

const BAR_ROW_PX = 28;
const LABEL_CHARACTERS = 32;

function shorten(label: string): string {
  return label.length > LABEL_CHARACTERS ? `${label.slice(0, LABEL_CHARACTERS - 1)}…` : label;
}

/** The full label and value on hover: Chartist keeps each value's `meta`, which carries that text. */
function addTooltip(element: Svg, meta: unknown): void {
  element.elem('title').text(String(meta));
}

/**
 * Horizontal bars, so agency and directive names stay readable beside their bars. Chartist draws
 * the first label at the bottom; the data goes in reversed to put the first bucket on top
 * (Chartist's own `reverseData` would leave each bar's meta, its tooltip, on the wrong bar).
 */
function drawBars(container: HTMLDivElement, chart: BarChartData): DrawnChart {
  const labels = [...chart.labels].reverse();
  const values = [...chart.values].reverse();
  const bars = new BarChart(
    container,
    { labels, series: [values.map((value, index) => ({ value, meta: `${labels[index] ?? ''}: ${value}` }))] },
    {
      horizontalBars: true,
      // Room for the last tick's label, centred on the right edge.
      chartPadding: { right: 24 },
      height: `${Math.max(120, chart.labels.length * BAR_ROW_PX + 40)}px`,
      axisX: { onlyInteger: true },
      axisY: { offset: 220, labelInterpolationFnc: (label) => shorten(String(label)) },
    },
  );
  bars.on('draw', (event: BarDrawEvent) => {
    if (event.type === 'bar') addTooltip(event.element, event.meta);
  });
  return bars;
}

/** One line per series; report dates on a time scale, so uneven gaps between reports show as such. */
function drawLines(container: HTMLDivElement, chart: LineChartData): DrawnChart {
  const times = chart.dates.map((date) => Date.parse(`${date}T00:00:00Z`));
  const lines = new LineChart(
    container,
    {
      series: chart.series.map((series) => ({
        name: series.name,
        className: `ide-series-${series.field}`,
        data: series.values.map((value, index) => ({ value: { x: times[index] ?? 0, y: value }, meta: `${series.name}, ${chart.dates[index] ?? ''}: ${value}` })),
      })),
    },
    {
      height: '280px',
      lineSmooth: false,
      // The last date's label starts at the right edge: room for it.
      chartPadding: { right: 72 },
      axisX: { type: FixedScaleAxis, ticks: times, labelInterpolationFnc: (time) => new Date(Number(time)).toISOString().slice(0, 10) },
      axisY: { onlyInteger: true, low: 0 },
    },
  );
  lines.on('draw', (event: PointDrawEvent) => {
    if (event.type === 'point') addTooltip(event.element, event.meta);
  });
  return lines;
}

export function BreakdownBarChart({ chart }: { chart: BarChartData }) {
  const containerRef = useChartist(chart, drawBars);
  return (
    <figure className="ide-chart" data-chart="bar" data-title={chart.title}>
      <figcaption>
        <code>{chart.title}</code>: {chart.values.length} groups, {chart.values.reduce((sum, value) => sum + value, 0)} in all
      </figcaption>
      <div ref={containerRef} className="ide-chart-canvas" />
    </figure>
  );
}

export function CompletionLineChart({ chart }: { chart: LineChartData }) {
  const containerRef = useChartist(chart, drawLines);
  return (
    <figure className="ide-chart" data-chart="line" data-title={chart.title}>
      <figcaption>
        <code>{chart.title}</code>: {chart.dates.length} report dates
      </figcaption>
      <ul className="ide-chart-legend">
        {chart.series.map((series) => (
          <li key={series.name} className={`ide-series-${series.field}`}>
            {series.name}
          </li>
        ))}
      </ul>
      <div ref={containerRef} className="ide-chart-canvas" />
    </figure>
  );
}

export function ResultChart({ chart }: { chart: ChartData }) {
  return chart.kind === 'bar' ? <BreakdownBarChart chart={chart} /> : <CompletionLineChart chart={chart} />;
}
