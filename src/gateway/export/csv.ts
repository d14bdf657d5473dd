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

/** Columns an export may have unless EXPORT_MAX_COLUMNS says otherwise (the same default as the gateway's config). */
export const DEFAULT_MAX_COLUMNS = 200;

/** More columns than the export allows (EXPORT_MAX_COLUMNS). */
export class TooManyColumnsError extends Error {
  constructor(readonly limit: number) {
    super(`The selection has more than ${limit} columns; select fewer fields.`);
  }
}

/**
 * The leaf fields of a selection set as dotted column names ("leadAgencies.name"),
 * in selection order, without repeats, following fragments; aliases name the
 * columns; `__typename` counts only below the top level. Each fragment's
 * columns are computed once (a chain of fragments that each spread the next
 * twice costs one walk per fragment, not 2^n), a fragment inside itself is
 * skipped (validation refuses such documents; the IDE may show them), and the
 * walk stops as soon as there are more than `maxColumns` distinct columns at
 * any level, so aliases that fan a fragment out cannot grow the result either.
 */
export function columnsOf(selectionSet: SelectionSetNode, fragments: ReadonlyMap<string, FragmentDefinitionNode>, maxColumns: number = DEFAULT_MAX_COLUMNS): string[] {
  // Keyed by fragment and level: a fragment spread at the top drops `__typename`, one spread below keeps it.
  const memo = new Map<string, readonly string[]>();
  const walk = (set: SelectionSetNode, top: boolean, inside: ReadonlySet<string>): string[] => {
    const columns = new Set<string>();
    const add = (names: Iterable<string>, prefix = ''): void => {
      for (const name of names) {
        columns.add(prefix + name);
        if (columns.size > maxColumns) throw new TooManyColumnsError(maxColumns);
      }
    };
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        if (top && selection.name.value === '__typename') continue;
        const name = selection.alias?.value ?? selection.name.value;
        if (selection.selectionSet) add(walk(selection.selectionSet, false, inside), `${name}.`);
        else add([name]);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        add(walk(selection.selectionSet, top, inside));
      } else {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        if (!fragment || inside.has(name)) continue;
        const key = `${top ? 'top' : 'nested'}:${name}`;
        let cached = memo.get(key);
        if (!cached) {
          cached = walk(fragment.selectionSet, top, new Set([...inside, name]));
          memo.set(key, cached);
        }
        add(cached);
      }
    }
    return [...columns];
  };
  return walk(selectionSet, true, new Set());
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
