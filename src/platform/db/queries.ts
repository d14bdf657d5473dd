import type { Filter } from 'mongodb';

/**
 * `{ field: value }` for one value, `{ field: { $in: values } }` for several.
 * The same plan on MongoDB, but FerretDB 1.24 answers only `{ _id: value }`
 * from its primary key: `$in`, even with one id, scans the collection.
 */
export function matchAny<T>(field: string, values: readonly unknown[]): Filter<T> {
  return (values.length === 1 ? { [field]: values[0] } : { [field]: { $in: [...values] } }) as Filter<T>;
}

/**
 * Options for a find or aggregate whose result is read whole: without them the
 * driver's first reply stops at 101 documents and every further batch costs a
 * `getMore` round trip. The server still caps one reply at 16 MB.
 */
export const READ_WHOLE = { batchSize: 1_000_000 } as const;
