/**
 * The canonical encoding that audit entries are hashed and checkpoints signed
 * over: JSON with object keys sorted by UTF-16 code units, no whitespace,
 * strings and numbers as `JSON.stringify` writes them, and a date as
 * `{"$date":"<ISO 8601 with milliseconds, UTC>"}`. For the values an entry
 * holds this is exactly RFC 8785 (the JSON Canonicalization Scheme) of the
 * entry's plain-JSON form, so an inspector can recompute a hash with any JCS
 * implementation. It is written here rather than taken from a package because
 * the whole of it is the sixty lines below, it runs for every entry on the
 * lookup's path (so it must be fast), and a verifier must refuse what an entry
 * never holds (undefined, non-finite numbers, driver types such as ObjectId),
 * which general-purpose libraries silently encode.
 */

/** Why a value has no canonical encoding: an entry never holds such a value, so one that does was not written by us. */
export class NotCanonicalError extends Error {
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super(`${path || 'value'}: ${problem}`);
    this.name = 'NotCanonicalError';
  }

  /** The same problem, one level further out (paths are built only when something is wrong). */
  within(key: string | number): NotCanonicalError {
    return new NotCanonicalError(typeof key === 'number' ? `[${key}]${this.path}` : `.${key}${this.path}`, this.problem);
  }
}

/** The only `$`-key an encoded value may hold: a date's plain-JSON form. */
const DATE_KEY = '$date';
const DOLLAR = 36;
const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

function encodeDate(iso: string): string {
  if (!ISO_MS.test(iso) || Number.isNaN(Date.parse(iso))) throw new NotCanonicalError('', 'a date must be ISO 8601 in UTC with milliseconds');
  return `{"${DATE_KEY}":"${iso}"}`;
}

/** An object shape's keys in canonical order, each with what precedes its value (`,"key":`). */
interface Shape {
  keys: string[];
  prefixes: string[];
}

/**
 * Shapes seen, by their keys in own order: every entry of a writer has the
 * same few shapes, so sorting and quoting its keys is done once, not for every
 * entry of every lookup. Bounded, so that odd inputs (a verifier's) cannot grow it.
 */
const shapes = new Map<string, Shape>();
const MAX_SHAPES = 256;

function shapeOf(value: Record<string, unknown>): Shape {
  const own = Object.keys(value);
  const signature = own.join('\u0000');
  const known = shapes.get(signature);
  if (known) return known;
  // Default sort compares UTF-16 code units, as RFC 8785 requires.
  const keys = own.sort();
  const reserved = keys.find((key) => key.charCodeAt(0) === DOLLAR && !(keys.length === 1 && key === DATE_KEY));
  if (reserved !== undefined) throw new NotCanonicalError(`.${reserved}`, 'keys starting with "$" are reserved');
  const shape = { keys, prefixes: keys.map((key, index) => `${index === 0 ? '' : ','}${JSON.stringify(key)}:`) };
  if (shapes.size < MAX_SHAPES) shapes.set(signature, shape);
  return shape;
}

function encodeObject(value: Record<string, unknown>): string {
  const { keys, prefixes } = shapeOf(value);
  if (keys.length === 1 && keys[0] === DATE_KEY) {
    if (typeof value[DATE_KEY] !== 'string') throw new NotCanonicalError(`.${DATE_KEY}`, 'keys starting with "$" are reserved');
    return encodeDate(value[DATE_KEY]);
  }
  let out = '{';
  for (let index = 0; index < keys.length; index += 1) {
    const key = keys[index] as string;
    try {
      out += prefixes[index] + encode(value[key]);
    } catch (error) {
      throw error instanceof NotCanonicalError ? error.within(key) : error;
    }
  }
  return `${out}}`;
}

function encodeArray(value: readonly unknown[]): string {
  let out = '[';
  for (let index = 0; index < value.length; index += 1) {
    try {
      out += `${index === 0 ? '' : ','}${encode(value[index])}`;
    } catch (error) {
      throw error instanceof NotCanonicalError ? error.within(index) : error;
    }
  }
  return `${out}]`;
}

function encode(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new NotCanonicalError('', 'numbers must be finite');
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) return encodeArray(value);
      if (value instanceof Date) {
        // toISOString always writes the canonical form (years 0–9999, which is all a Date of ours can hold).
        if (Number.isNaN(value.getTime())) throw new NotCanonicalError('', 'a date must be a valid time');
        const iso = value.toISOString();
        return iso.length === 24 ? `{"${DATE_KEY}":"${iso}"}` : encodeDate(iso);
      }
      const prototype = Object.getPrototypeOf(value) as unknown;
      if (prototype !== Object.prototype && prototype !== null) throw new NotCanonicalError('', `a ${value.constructor?.name ?? 'foreign'} object is not plain JSON`);
      return encodeObject(value as Record<string, unknown>);
    }
    default:
      throw new NotCanonicalError('', `a ${typeof value} is not JSON`);
  }
}

/** The canonical JSON text of `value`; throws NotCanonicalError for anything that is not plain JSON or a Date. */
export function canonicalJson(value: unknown): string {
  return encode(value);
}
