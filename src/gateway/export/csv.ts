import { Kind, type DocumentNode, type FragmentDefinitionNode, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';

/** Byte-order mark: Excel reads a CSV as UTF-8 (and so shows Vietnamese correctly) only with it. */
export const UTF8_BOM = '\uFEFF';

/**
 * Text a spreadsheet would run as a formula (OWASP "CSV injection"): cells
 * starting with =, +, -, @, tab or carriage return get a leading apostrophe,
 * which spreadsheets show as text and do not evaluate.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/** One CSV cell: formulas neutralised, quoted when it holds a comma, quote, or line break (RFC 4180). */
export function csvCell(value: string): string {
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function csvLine(cells: readonly string[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}

/** More columns than the export allows (EXPORT_MAX_COLUMNS). */
export class TooManyColumnsError extends Error {
  constructor(readonly limit: number) {
    super(`The selection has more than ${limit} columns; select fewer fields.`);
  }
}

/**
 * The leaf fields of a selection set as dotted column names ("leadAgencies.name"),
 * in selection order, following fragments; aliases name the columns. Each
 * fragment's columns are computed once (a fragment spread twice per level
 * cannot double the work), a fragment inside itself is skipped, and the
 * count stops at `maxColumns`.
 */
export function columnsOf(selectionSet: SelectionSetNode, fragments: ReadonlyMap<string, FragmentDefinitionNode>, maxColumns: number): string[] {
  const memo = new Map<string, string[]>();
  const walk = (set: SelectionSetNode, prefix: string, inside: ReadonlySet<string>): string[] => {
    const columns: string[] = [];
    const add = (names: string[]): void => {
      for (const name of names) columns.push(prefix + name);
      if (columns.length > maxColumns) throw new TooManyColumnsError(maxColumns);
    };
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        if (selection.name.value === '__typename' && prefix === '') continue;
        const name = selection.alias?.value ?? selection.name.value;
        add(selection.selectionSet ? walk(selection.selectionSet, '', inside).map((column) => `${name}.${column}`) : [name]);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        add(walk(selection.selectionSet, '', inside));
      } else {
        const fragment = fragments.get(selection.name.value);
        if (!fragment || inside.has(fragment.name.value)) continue;
        let cached = memo.get(fragment.name.value);
        if (!cached) {
          cached = walk(fragment.selectionSet, '', new Set([...inside, fragment.name.value]));
          memo.set(fragment.name.value, cached);
        }
        add(cached);
      }
    }
    return [...new Set(columns)];
  };
  return walk(selectionSet, '', new Set());
}

/** The value at a dotted path; lists along the way are flattened and joined with "; ". */
export function cellValue(row: unknown, path: readonly string[]): string {
  const values = collect(row, path);
  return values
    .filter((v) => v !== null && v !== undefined)
    .map((v) => (typeof v === 'object' ? JSON.stringify(v) : String(v)))
    .join('; ');
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
