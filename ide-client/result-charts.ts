import { Kind, type DocumentNode, type FieldNode, type SelectionSetNode } from 'graphql';
import { operationOf } from '../src/gateway/export/csv';
import { isObject, responseKey, type JsonObject } from './result-lists';

/**
 * The charts a result can be drawn as: a bar chart per `milestoneBreakdown` (BreakdownBucket:
 * key, label, count) and a line chart per `completionOverTime` (CompletionPoint: asOf, done,
 * partial, notDone), found by field name in the operation, aliases and all. No DOM here.
 */

export interface BarChartData {
  kind: 'bar';
  /** The field's response key, e.g. "milestoneBreakdown" or an alias such as "reportByStatus". */
  title: string;
  labels: string[];
  values: number[];
}

export type CompletionField = 'done' | 'partial' | 'notDone';

export interface LineSeries {
  /** Which CompletionPoint field: decides the colour. */
  field: CompletionField;
  /** Its response key, as the legend shows it. */
  name: string;
  values: number[];
}

export interface LineChartData {
  kind: 'line';
  title: string;
  /** Report dates, "YYYY-MM-DD". */
  dates: string[];
  series: LineSeries[];
}

export type ChartData = BarChartData | LineChartData;

export interface ResultCharts {
  charts: ChartData[];
  /** Why a chartable field could not be drawn, e.g. "milestoneBreakdown: select `count`". */
  problems: string[];
}

/** Label of a bucket whose key is null: rows without a value (e.g. milestones with no status). */
export const NO_VALUE_LABEL = '(none)';

/** The response key under which `field` selects `name`, if it does. */
function keyOf(field: FieldNode, name: string): string | undefined {
  const child = field.selectionSet?.selections.find((s): s is FieldNode => s.kind === Kind.FIELD && s.name.value === name);
  return child && responseKey(child);
}

/** Top-level fields of the operation, through inline fragments (both chartable fields live on Query). */
function topLevelFields(selectionSet: SelectionSetNode): FieldNode[] {
  return selectionSet.selections.flatMap((selection) => {
    if (selection.kind === Kind.FIELD) return [selection];
    if (selection.kind === Kind.INLINE_FRAGMENT) return topLevelFields(selection.selectionSet);
    return [];
  });
}

function objectsIn(value: unknown): JsonObject[] {
  return Array.isArray(value) ? value.filter(isObject) : [];
}

function breakdownChart(field: FieldNode, buckets: JsonObject[]): BarChartData | string {
  const countKey = keyOf(field, 'count');
  if (!countKey) return `${responseKey(field)}: select \`count\` to draw it`;
  const labelKey = keyOf(field, 'label');
  const keyKey = keyOf(field, 'key');
  const labelOf = (bucket: JsonObject) => {
    const label = (labelKey && bucket[labelKey]) ?? (keyKey && bucket[keyKey]) ?? null;
    return label === null || label === '' ? NO_VALUE_LABEL : String(label);
  };
  return { kind: 'bar', title: responseKey(field), labels: buckets.map(labelOf), values: buckets.map((bucket) => Number(bucket[countKey] ?? 0)) };
}

const COMPLETION_SERIES: readonly CompletionField[] = ['done', 'partial', 'notDone'];

function completionChart(field: FieldNode, points: JsonObject[]): LineChartData | string {
  const dateKey = keyOf(field, 'asOf');
  const series = COMPLETION_SERIES.flatMap((completion) => {
    const key = keyOf(field, completion);
    return key ? [{ field: completion, name: key, values: points.map((point) => Number(point[key] ?? 0)) }] : [];
  });
  if (!dateKey || series.length === 0) return `${responseKey(field)}: select \`asOf\` and at least one of \`done\`, \`partial\`, \`notDone\` to draw it`;
  return { kind: 'line', title: responseKey(field), dates: points.map((point) => String(point[dateKey] ?? '')), series };
}

export function findCharts(document: DocumentNode, operationName: string | undefined, data: unknown): ResultCharts {
  const operation = operationOf(document, operationName);
  const found: ResultCharts = { charts: [], problems: [] };
  if (!operation || !isObject(data)) return found;
  for (const field of topLevelFields(operation.selectionSet)) {
    const rows = objectsIn(data[responseKey(field)]);
    const chart = field.name.value === 'milestoneBreakdown' ? breakdownChart(field, rows) : field.name.value === 'completionOverTime' ? completionChart(field, rows) : undefined;
    if (typeof chart === 'string') found.problems.push(chart);
    else if (chart && !found.charts.some((known) => known.title === chart.title)) found.charts.push(chart);
  }
  return found;
}
