import { Kind, type DocumentNode, type FragmentDefinitionNode, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';

/** Byte-order mark: Excel reads a CSV as UTF-8 (and so shows Vietnamese correctly) only with it. */
export const UTF8_BOM = '\uFEFF';

/** One CSV cell: quoted when it holds a comma, quote, or line break (RFC 4180). */
export function csvCell(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function csvLine(cells: readonly string[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}

/**
 * The leaf fields of a selection set as dotted column names ("leadAgencies.name"),
 * in selection order, following fragments; aliases name the columns.
 */
export function columnsOf(selectionSet: SelectionSetNode, fragments: Map<string, FragmentDefinitionNode>, prefix = ''): string[] {
  const columns: string[] = [];
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      if (selection.name.value === '__typename' && prefix === '') continue;
      const name = `${prefix}${selection.alias?.value ?? selection.name.value}`;
      if (selection.selectionSet) columns.push(...columnsOf(selection.selectionSet, fragments, `${name}.`));
      else columns.push(name);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      columns.push(...columnsOf(selection.selectionSet, fragments, prefix));
    } else {
      const fragment = fragments.get(selection.name.value);
      if (fragment) columns.push(...columnsOf(fragment.selectionSet, fragments, prefix));
    }
  }
  return [...new Set(columns)];
}

/** The value at a dotted path; lists along the way are flattened and joined with "; ". */
export function cellValue(row: unknown, path: readonly string[]): string {
  const values = collect(row, path);
  return values.filter((v) => v !== null && v !== undefined).map((v) => (typeof v === 'object' ? JSON.stringify(v) : String(v))).join('; ');
}

function collect(value: unknown, path: readonly string[]): unknown[] {
  if (Array.isArray(value)) return value.flatMap((item) => collect(item, path));
  if (path.length === 0) return [value];
  if (value === null || typeof value !== 'object') return [];
  const [head, ...rest] = path;
  return collect((value as Record<string, unknown>)[head as string], rest);
}

export function fragmentsOf(document: DocumentNode): Map<string, FragmentDefinitionNode> {
  return new Map(document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]));
}

export function operationOf(document: DocumentNode, operationName: string | undefined): OperationDefinitionNode | undefined {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  return operationName ? operations.find((o) => o.name?.value === operationName) : operations.length === 1 ? operations[0] : undefined;
}
