import { readRecordedShapes } from '../../platform/db/command-recorder';
import { REGEX, type ReadShape, type Shape } from '../../platform/db/command-shape';
import { checkIndexCoverage, hasIndexableCondition, verdictFor, type AllowedUnindexed, type CoverageReport } from '../../platform/db/index-coverage';
import { CATALOGUE_INDEXES } from './collections';

/** The folded text fields that `search`, `text` and `section` match a substring of (queries/filters.ts: containsFolded). */
const SUBSTRING_FIELDS: ReadonlySet<string> = new Set(['searchText', 'sectionText']);

const isSubstringRegex = (condition: Shape | undefined): boolean =>
  condition === REGEX || (typeof condition === 'object' && condition !== null && !Array.isArray(condition) && condition.$regex === REGEX);

/** The filter without its substring regexes (and without the `$and` clauses that held only one). */
function withoutSubstrings(filter: { [key: string]: Shape }): { [key: string]: Shape } {
  const kept: { [key: string]: Shape } = {};
  for (const [key, value] of Object.entries(filter)) {
    if (SUBSTRING_FIELDS.has(key) && isSubstringRegex(value)) continue;
    if (key === '$and' && Array.isArray(value)) {
      const clauses = value
        .map((clause) => (typeof clause === 'object' && clause !== null && !Array.isArray(clause) ? withoutSubstrings(clause) : clause))
        .filter((clause) => !(typeof clause === 'object' && clause !== null && Object.keys(clause).length === 0));
      if (clauses.length > 0) kept[key] = clauses;
    } else kept[key] = value;
  }
  return kept;
}

function hasSubstring(filter: { [key: string]: Shape }): boolean {
  return JSON.stringify(withoutSubstrings(filter)) !== JSON.stringify(filter);
}

/**
 * The catalogue's reads that no index can serve, each with why and what
 * bounds its cost; the README ("Index coverage") says the same. Anything
 * else unserved fails the check after the test suite.
 */
export const CATALOGUE_UNINDEXED_READS: readonly AllowedUnindexed[] = [
  {
    reason:
      'substring search: `search(text)` and the `text` / `section` filters match part of a word, accent-insensitively, as an unanchored regex on the folded text, which no B-tree index can bound (and `$text` matches whole words only). The rest of the filter is served by an index; the regex is tested on each document the scan reads. Bounded by maxTimeMS (DB_REQUEST_TIMEOUT_MS) on every read, by the page size on pages, and by SEARCH_MAX_MATCHES documents per kind for `search`.',
    matches: (shape) => {
      if (!hasSubstring(shape.filter)) return false;
      const rest = { ...shape, filter: withoutSubstrings(shape.filter) };
      return Object.keys(rest.filter).length === 0 || verdictFor(rest, CATALOGUE_INDEXES).index !== undefined;
    },
  },
  {
    reason:
      'a breakdown of the whole catalogue (`milestoneBreakdown` or `completionOverTime` with no filter an index could use) counts every milestone: one pass in the database ($match, $group), which an index cannot shorten. Bounded by maxTimeMS (DB_REQUEST_TIMEOUT_MS).',
    matches: (shape) =>
      shape.collection === 'milestones' && shape.command === 'aggregate' && (shape.stages ?? []).includes('$group') && !hasIndexableCondition(withoutSubstrings(shape.filter)),
  },
];

/**
 * Checks recorded catalogue reads against CATALOGUE_INDEXES, allowing
 * CATALOGUE_UNINDEXED_READS. For the benchmark: record with
 * DVC_RECORD_COMMANDS=<file> in the catalogue's environment, then
 * `catalogueIndexCoverageOfFile(file)` gives `{ shapes, served, … }`.
 */
export function catalogueIndexCoverage(shapes: readonly ReadShape[]): CoverageReport {
  return checkIndexCoverage(shapes, CATALOGUE_INDEXES, CATALOGUE_UNINDEXED_READS);
}

/** The same, from a recording (JSON lines; only the catalogue's lines are checked). */
export function catalogueIndexCoverageOfFile(file: string): CoverageReport {
  return catalogueIndexCoverage(readRecordedShapes(file).filter((shape) => shape.component === 'catalogue'));
}
