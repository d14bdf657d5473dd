import type DataLoader from 'dataloader';

/** One referenced document, or null when there is no reference. */
export function loadOne<T>(loader: DataLoader<string, T | null>, id: string | null): Promise<T | null> | null {
  return id ? loader.load(id) : null;
}

/** Referenced documents in reference order; references that resolve to nothing are left out. */
export async function loadAll<T>(loader: DataLoader<string, T | null>, ids: readonly string[]): Promise<T[]> {
  const found = await loader.loadMany(ids);
  return found.filter((value): value is T => value !== null && !(value instanceof Error));
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
