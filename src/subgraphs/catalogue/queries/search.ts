import type { CatalogueCollections } from '../collections';
import type { AgencyDocument, DirectiveDocument, ProvinceDocument, ServiceDocument } from '../documents';
import { pageSize } from '../../../platform/db/paginate';
import { readWhole } from '../../../platform/db/queries';
import { foldVietnamese } from '../../../platform/fold';
import { containsFolded } from './filters';

export type SearchNode = ServiceDocument | DirectiveDocument | AgencyDocument | ProvinceDocument;
export interface SearchMatch {
  score: number;
  node: SearchNode;
}

/**
 * How well a folded query matches a record's folded names: exact name or alias
 * 100, a name that starts with it 60, the query as whole words 40, inside a word 20.
 */
export function scoreMatch(query: string, names: string[]): number {
  let best = 0;
  const wholeWords = new RegExp(`(^|[^a-z0-9])${query.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^a-z0-9])`);
  for (const name of names.map(foldVietnamese)) {
    if (name === query) return 100;
    if (name.startsWith(query)) best = Math.max(best, 60);
    else if (wholeWords.test(name)) best = Math.max(best, 40);
    else if (name.includes(query)) best = Math.max(best, 20);
  }
  return best;
}

/**
 * Most records of one kind a search reads. A substring of a word cannot be
 * looked up in an index, so each kind is scanned; this bounds what a broad
 * text (one letter, say) brings back from a large catalogue: the hits are
 * ranked among the first SEARCH_MAX_MATCHES the database finds.
 */
export const SEARCH_MAX_MATCHES = 2_000;

/** Accent-insensitive search across the four kinds; one query per collection, ranked here. */
export async function search(db: CatalogueCollections, text: string, first: number | null | undefined): Promise<SearchMatch[]> {
  const limit = pageSize(first);
  const pattern = { $regex: containsFolded(text, 'text') };
  const query = foldVietnamese(text);
  const [services, directives, agencies, provinces] = await Promise.all([
    db.services.find({ searchText: pattern }, readWhole()).limit(SEARCH_MAX_MATCHES).toArray(),
    db.directives.find({ searchText: pattern }, readWhole()).limit(SEARCH_MAX_MATCHES).toArray(),
    db.agencies.find({ searchText: pattern }, readWhole()).limit(SEARCH_MAX_MATCHES).toArray(),
    db.provinces.find({ searchText: pattern }, readWhole()).limit(SEARCH_MAX_MATCHES).toArray(),
  ]);
  const hits: SearchMatch[] = [
    ...services.map((s) => ({ node: s, score: scoreMatch(query, [s.name, ...s.names.map((n) => n.name)]) })),
    ...directives.map((d) => ({ node: d, score: scoreMatch(query, [d._id, d.number, d.title]) })),
    ...agencies.map((a) => ({ node: a, score: scoreMatch(query, [a.name, ...a.aliases]) })),
    // Today's units rank above the old ones of the same name.
    ...provinces.map((p) => ({ node: p, score: scoreMatch(query, [p.name]) + (p.era === 'FROM_2025_07' ? 1 : 0) })),
  ];
  return hits
    .map((hit) => ({ ...hit, score: Math.max(hit.score, 10) }))
    .sort((a, b) => b.score - a.score || a.node._id.localeCompare(b.node._id))
    .slice(0, limit);
}
