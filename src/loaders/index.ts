import DataLoader from 'dataloader';
import type { Collection, Filter } from 'mongodb';
import type { Collections } from '../db/collections';
import type { DirectiveDocument } from '../db/documents';

/**
 * Loads documents by a unique field in one `$in` query per batch and returns them in key
 * order, `null` where none exists (DataLoader's contract).
 */
function byFieldLoader<T extends { _id: string }>(collection: Collection<T>, field: keyof T & string): DataLoader<string, T | null> {
  return new DataLoader<string, T | null>(async (keys) => {
    const found = (await collection.find({ [field]: { $in: [...keys] } } as Filter<T>).toArray()) as T[];
    const byKey = new Map(found.map((doc) => [String(doc[field]), doc]));
    return keys.map((key) => byKey.get(key) ?? null);
  });
}

/** Per-request loaders: made fresh in the context function, never shared between requests. */
export interface Loaders {
  directive: DataLoader<string, DirectiveDocument | null>;
  /** By folded number ("406/qd-ttg"): the root `directive(id)` lookup. */
  directiveByKey: DataLoader<string, DirectiveDocument | null>;
}

export function createLoaders(db: Collections): Loaders {
  return {
    directive: byFieldLoader(db.directives, '_id'),
    directiveByKey: byFieldLoader(db.directives, 'idKey'),
  };
}
