import { Kind, type DocumentNode, type FieldNode, type FragmentDefinitionNode, type SelectionSetNode } from 'graphql';
import { cellValue, columnsOf, fragmentsOf, operationOf, TooManyColumnsError } from '../src/gateway/export/csv';

/**
 * What the results view can show of a result: its lists as tables, flattened exactly as the CSV
 * export flattens them (columnsOf and cellValue from src/gateway/export/csv.ts, bundled into the page),
 * and its breakdowns and completion series as charts. Pure functions over the operation's
 * document and the result's data; no DOM, so test/ide-client.test.ts runs them under Node.
 */

/** A list in the result, addressed the way POST /graphql/export.csv takes it. */
export interface ResultList {
  /** Dotted path from `data` to the list or connection, e.g. "milestones" or "directive.milestones". */
  path: string;
  /** A connection's rows are its `nodes` or `edges.node`; the export pages through all of them. */
  kind: 'list' | 'connection';
  /** Dotted column names, as in the CSV header. */
  columns: string[];
  /** The row objects of this page of the result. */
  rows: unknown[];
}

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The name a field has in the result: its alias, else its name. */
export function responseKey(field: FieldNode): string {
  return field.alias?.value ?? field.name.value;
}

/** The field selected under `name` (its response key), as the export endpoint finds a connection's parts. */
function childField(field: FieldNode, name: string): FieldNode | undefined {
  return field.selectionSet?.selections.find((s): s is FieldNode => s.kind === Kind.FIELD && responseKey(s) === name);
}

/** A connection's row field (`nodes`, else `edges { node }`) and how to read its rows, when `field` is one. */
function connectionRows(field: FieldNode, value: JsonObject): { selection: SelectionSetNode; rows: unknown[] } | undefined {
  const nodes = childField(field, 'nodes');
  if (nodes?.selectionSet && Array.isArray(value.nodes)) return { selection: nodes.selectionSet, rows: value.nodes };
  const edges = childField(field, 'edges');
  const node = edges && childField(edges, 'node');
  if (node?.selectionSet && Array.isArray(value.edges)) {
    return { selection: node.selectionSet, rows: value.edges.map((edge) => (isObject(edge) ? edge.node : undefined)) };
  }
  return undefined;
}

interface ListSearch {
  fragments: Map<string, FragmentDefinitionNode>;
  found: ResultList[];
}

/**
 * Every list reachable from `data` through objects (not through other lists: the export's path
 * has no indexes), in selection order. Follows inline fragments, as the export's path lookup does.
 */
/** Columns the table shows at most: the export's own cap guards the server; this one keeps the page responsive. */
const MAX_TABLE_COLUMNS = 500;

/** The columns of a list, or none when the selection has more than the table shows (it is then not offered). */
function tableColumns(selectionSet: SelectionSetNode, fragments: ListSearch['fragments']): string[] | undefined {
  try {
    return columnsOf(selectionSet, fragments, MAX_TABLE_COLUMNS);
  } catch (error) {
    if (error instanceof TooManyColumnsError) return undefined;
    throw error;
  }
}

function collectLists(selectionSet: SelectionSetNode, data: JsonObject, prefix: string, search: ListSearch): void {
  const { fragments, found } = search;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.INLINE_FRAGMENT) {
      collectLists(selection.selectionSet, data, prefix, search);
      continue;
    }
    if (selection.kind !== Kind.FIELD || !selection.selectionSet) continue;
    const path = `${prefix}${responseKey(selection)}`;
    const value = data[responseKey(selection)];
    if (found.some((list) => list.path === path)) continue;
    if (Array.isArray(value)) {
      const columns = tableColumns(selection.selectionSet, fragments);
      if (columns) found.push({ path, kind: 'list', columns, rows: value });
    } else if (isObject(value)) {
      const connection = connectionRows(selection, value);
      const columns = connection && tableColumns(connection.selection, fragments);
      if (connection && columns) found.push({ path, kind: 'connection', columns, rows: connection.rows });
      else if (!connection) collectLists(selection.selectionSet, value, `${path}.`, search);
    }
  }
}

export function findLists(document: DocumentNode, operationName: string | undefined, data: unknown): ResultList[] {
  const operation = operationOf(document, operationName);
  if (!operation || !isObject(data)) return [];
  const search: ListSearch = { fragments: fragmentsOf(document), found: [] };
  collectLists(operation.selectionSet, data, '', search);
  return search.found;
}

/** The table's cells: one string per column, exactly what the CSV export writes (before its spreadsheet-formula guard). */
export function tableCells(list: ResultList): string[][] {
  const paths = list.columns.map((column) => column.split('.'));
  return list.rows.map((row) => paths.map((path) => cellValue(row, path)));
}

export type SortDirection = 'ascending' | 'descending';

const NUMBER = /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/;

/** A column sorts as numbers when every non-empty cell is one (counts, years, item numbers). */
export function isNumericColumn(cells: readonly string[][], column: number): boolean {
  let sawNumber = false;
  for (const row of cells) {
    const cell = row[column] ?? '';
    if (cell === '') continue;
    if (!NUMBER.test(cell)) return false;
    sawNumber = true;
  }
  return sawNumber;
}

/**
 * Row indexes in the order of `column`: numerically for numeric columns, otherwise by Vietnamese
 * collation (the same order as `a.localeCompare(b, 'vi')`; one Intl.Collator is much faster over
 * thousands of rows). Empty cells go last either way; ties keep the result's order.
 */
export function sortRows(cells: readonly string[][], column: number, direction: SortDirection): number[] {
  const sign = direction === 'ascending' ? 1 : -1;
  const numeric = isNumericColumn(cells, column);
  const collator = new Intl.Collator('vi');
  const compare = (a: string, b: string) => (numeric ? Number(a) - Number(b) : collator.compare(a, b));
  const indexes = cells.map((_row, index) => index);
  return indexes.sort((left, right) => {
    const a = cells[left]?.[column] ?? '';
    const b = cells[right]?.[column] ?? '';
    if (a === '' || b === '') return a === b ? left - right : a === '' ? 1 : -1;
    return sign * compare(a, b) || left - right;
  });
}
