import type { Collection, Filter, Sort } from 'mongodb';
import { BadUserInputError } from '../errors';
import { readOptions } from './queries';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;
/** Largest page the CSV export may ask for, one connection at a time (src/gateway/export). */
export const MAX_EXPORT_PAGE_SIZE = 5_000;

export interface PageArgs {
  first?: number | null;
  after?: string | null;
  /** Largest `first` allowed: MAX_PAGE_SIZE for API calls, more for CSV exports, which stream page by page. */
  max?: number;
}

/** A page of documents plus what `totalCount` needs to count lazily, only when asked. */
export interface Page<T> {
  nodes: T[];
  cursors: string[];
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  count: () => Promise<number>;
}

/** Keyset order: one string field (never null in storage) and `_id` as tie-break. */
export interface KeysetOrder<T> {
  field: keyof T & string;
  direction: 1 | -1;
}

export function encodeCursor(value: string, id: string): string {
  return Buffer.from(JSON.stringify([value, id]), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): [string, string] {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && parsed.length === 2 && typeof parsed[0] === 'string' && typeof parsed[1] === 'string') {
      return [parsed[0], parsed[1]];
    }
  } catch {
    // fall through to the error below
  }
  throw new BadUserInputError('The cursor in `after` is not one this API issued; pass `pageInfo.endCursor` from a previous page unchanged.', 'after');
}

export function pageSize(first: number | null | undefined, max: number = MAX_PAGE_SIZE): number {
  if (first === null || first === undefined) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 0 || first > max) {
    throw new BadUserInputError(`\`first\` must be between 0 and ${max}, got ${first}.`, 'first');
  }
  return first;
}

/**
 * Keyset (seek) pagination: the cursor holds the last item's sort value and id,
 * so pages stay stable when documents are inserted concurrently, and each page
 * costs one indexed query however deep it is.
 */
export async function paginate<T extends { _id: string }>(collection: Collection<T>, filter: Filter<T>, order: KeysetOrder<T>, args: PageArgs): Promise<Page<T>> {
  const limit = pageSize(args.first, args.max);
  let query: Filter<T> = filter;
  if (args.after) {
    const [value, id] = decodeCursor(args.after);
    const past = order.direction === 1 ? '$gt' : '$lt';
    const seek = { $or: [{ [order.field]: { [past]: value } }, { [order.field]: value, _id: { $gt: id } }] } as Filter<T>;
    query = { $and: [filter, seek] } as Filter<T>;
  }
  const sort: Sort = { [order.field]: order.direction, _id: 1 };
  const found =
    limit === 0
      ? []
      : ((await collection
          .find(query, readOptions())
          .sort(sort)
          .limit(limit + 1)
          .toArray()) as T[]);
  const nodes = found.slice(0, limit);
  return {
    nodes,
    cursors: nodes.map((node) => encodeCursor(String(node[order.field] ?? ''), node._id)),
    hasNextPage: found.length > limit,
    hasPreviousPage: Boolean(args.after),
    count: () => collection.countDocuments(filter, readOptions()),
  };
}

/** The fields every `...Connection` type has, resolved from a page (shared by every subgraph's connection resolvers). */
export function connectionFields<T>() {
  return {
    edges: (page: Page<T>) => page.nodes.map((node, index) => ({ node, cursor: page.cursors[index] ?? '' })),
    nodes: (page: Page<T>) => page.nodes,
    pageInfo: (page: Page<T>) => ({
      hasNextPage: page.hasNextPage,
      hasPreviousPage: page.hasPreviousPage,
      startCursor: page.cursors[0] ?? null,
      endCursor: page.cursors[page.cursors.length - 1] ?? null,
    }),
    totalCount: (page: Page<T>) => page.count(),
  };
}
