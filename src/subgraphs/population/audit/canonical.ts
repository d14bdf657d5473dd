/**
 * The canonical encoding that audit entries are hashed and checkpoints signed
 * over: JSON with object keys sorted by UTF-16 code units, no whitespace,
 * strings and numbers as `JSON.stringify` writes them, and a date as
 * `{"$date":"<ISO 8601 with milliseconds, UTC>"}`. For the values an entry
 * holds this is exactly RFC 8785 (the JSON Canonicalization Scheme) of the
 * entry's plain-JSON form, so an inspector can recompute a hash with any JCS
 * implementation. It is written here rather than taken from a package because
 * the whole of it is the forty lines below, and a verifier must refuse what an
 * entry never holds (undefined, non-finite numbers, driver types such as
 * ObjectId), which general-purpose libraries silently encode.
 */

/** Why a value has no canonical encoding: an entry never holds such a value, so one that does was not written by us. */
export class NotCanonicalError extends Error {
  constructor(
    readonly path: string,
    problem: string,
  ) {
    super(`${path || 'value'}: ${problem}`);
    this.name = 'NotCanonicalError';
  }
}

/** The only `$`-key an encoded value may hold: a date's plain-JSON form. */
const DATE_KEY = '$date';
const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

function encodeDate(iso: string, path: string): string {
  if (!ISO_MS.test(iso) || Number.isNaN(Date.parse(iso))) throw new NotCanonicalError(path, 'a date must be ISO 8601 in UTC with milliseconds');
  return `{"${DATE_KEY}":${JSON.stringify(iso)}}`;
}

function encodeObject(value: object, path: string): string {
  const entries = Object.entries(value);
  if (entries.length === 1 && entries[0]?.[0] === DATE_KEY && typeof entries[0][1] === 'string') return encodeDate(entries[0][1], path);
  // Default sort compares UTF-16 code units, as RFC 8785 requires.
  const keys = entries.map(([key]) => key).sort();
  const parts = keys.map((key) => {
    if (key.startsWith('$')) throw new NotCanonicalError(`${path}.${key}`, 'keys starting with "$" are reserved');
    return `${JSON.stringify(key)}:${encode((value as Record<string, unknown>)[key], `${path}.${key}`)}`;
  });
  return `{${parts.join(',')}}`;
}

function encode(value: unknown, path: string): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new NotCanonicalError(path, 'numbers must be finite');
      return JSON.stringify(value);
    case 'object':
      if (value instanceof Date) return encodeDate(Number.isNaN(value.getTime()) ? '' : value.toISOString(), path);
      if (Array.isArray(value)) return `[${value.map((item, index) => encode(item, `${path}[${index}]`)).join(',')}]`;
      if (Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null)
        throw new NotCanonicalError(path, `a ${value.constructor?.name ?? 'foreign'} object is not plain JSON`);
      return encodeObject(value, path);
    default:
      throw new NotCanonicalError(path, `a ${typeof value} is not JSON`);
  }
}

/** The canonical JSON text of `value`; throws NotCanonicalError for anything that is not plain JSON or a Date. */
export function canonicalJson(value: unknown): string {
  return encode(value, '');
}
