import type { Filter } from 'mongodb';

/**
 * `{ field: value }` for one value, `{ field: { $in: values } }` for several.
 * The same plan on MongoDB, but FerretDB 1.24 answers only `{ _id: value }`
 * from its primary key: `$in`, even with one id, scans the collection.
 */
export function matchAny<T>(field: string, values: readonly unknown[]): Filter<T> {
  return (values.length === 1 ? { [field]: values[0] } : { [field]: { $in: [...values] } }) as Filter<T>;
}

let maxTimeMS = 5_000;

/**
 * The server-side time limit of every read (DB_REQUEST_TIMEOUT_MS), set once
 * at start: the database stops work that nobody waits for any more, and the
 * caller gets DATABASE_UNAVAILABLE.
 */
export function setReadTimeLimit(milliseconds: number): void {
  maxTimeMS = milliseconds;
}

/** Options for every read: the server-side time limit. */
export function readOptions(): { maxTimeMS: number } {
  return { maxTimeMS };
}

/**
 * Options for a find or aggregate whose result is read whole: without them the
 * driver's first reply stops at 101 documents and every further batch costs a
 * `getMore` round trip. The server still caps one reply at 16 MB.
 */
export function readWhole(): { batchSize: number; maxTimeMS: number } {
  return { batchSize: 1_000_000, maxTimeMS };
}
