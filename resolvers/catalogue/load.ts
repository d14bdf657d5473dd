import type DataLoader from 'dataloader';

/** One referenced document, or null when there is no reference. */
export function loadOne<T>(loader: DataLoader<string, T | null>, id: string | null): Promise<T | null> | null {
  return id ? loader.load(id) : null;
}

/**
 * Referenced documents in reference order; references that resolve to nothing
 * are left out. A failed batch is an error, never a shorter list.
 */
export async function loadAll<T>(loader: DataLoader<string, T | null>, ids: readonly string[]): Promise<T[]> {
  return withoutErrors(await loader.loadMany(ids)).filter((value): value is T => value !== null);
}

/** The values of a `loadMany`, or its first error: DataLoader hands errors back in place of values. */
export function withoutErrors<T>(values: ReadonlyArray<T | Error>): T[] {
  const failed = values.find((value): value is Error => value instanceof Error);
  if (failed) throw failed;
  return values as T[];
}

/** Several lists merged, each document once, in `compare` order. */
export function mergeUnique<T extends { _id: string }>(lists: T[][], compare: (a: T, b: T) => number): T[] {
  const byId = new Map<string, T>();
  for (const list of lists) for (const item of list) byId.set(item._id, item);
  return [...byId.values()].sort(compare);
}

/** A reference the seed loader guarantees; a miss is a bug (INTERNAL_SERVER_ERROR), not a client error. */
export function required<T>(value: T | null, id: string): T {
  if (value === null) throw new Error(`dangling reference to ${id}`);
  return value;
}
