import { describeShape, PREFIX_REGEX, VALUE, type ReadShape, type Shape } from './command-shape';

/**
 * Whether MongoDB can serve a read from an index, decided from the read's
 * shape (src/platform/db/command-shape.ts) and the declared indexes by
 * MongoDB's own index-selection rules — the embedded FerretDB uses no index
 * but `_id`'s, so its query plans say nothing. Used after the test suite
 * (test/support/global-teardown.ts) and by the benchmark.
 *
 * - The filter is split into conjuncts (`$and` flattened, leading `$match`
 *   stages merged). A field compared by equality (a value, `$eq`, a `$in` of
 *   one value, which MongoDB rewrites to `$eq`), by a `$in` of several values,
 *   or by a range (`$gt`, `$gte`, `$lt`, `$lte`, a case-sensitive regex
 *   anchored with `^`) can bound an index scan; anything else (`$ne`, `$nin`,
 *   `$exists`, an unanchored regex, …) is tested on each document read.
 * - A read that returns everything it matches is served by an index whose
 *   first key the filter constrains: the scan reads only matching entries, and
 *   any sort is done on the result, whose size it is.
 * - A page (a sort with a limit) must also get its order from the index, or
 *   MongoDB sorts every match to return a few. Walking the index's keys:
 *   keys fixed by equality (which order nothing), then the sort's keys in
 *   order, with directions all the index's or all reversed (sort keys fixed by
 *   equality are dropped), then at most one key with a range or a `$in`
 *   (equality, sort, range: ESR). A `$in` of several values before the sort's
 *   keys breaks the order (each value is a run of its own: equality for
 *   matching, not for sort), and so does a multikey (array) key, which cannot
 *   give an order. The scan must also be bounded or filtered by the index:
 *   equality keys, a range on the first sort key (a keyset seek) or the key
 *   after the sort's; a page of a whole collection (no filter) needs the order only.
 * - `_id` always has its unique index.
 * - An `$or` is served when each branch (with the other conjuncts) is served
 *   by an index of its own (MongoDB's OR and SORT_MERGE stages).
 * - A `count` without a query is answered from the collection's metadata.
 * MongoDB's explode-for-sort (one scan per `$in` value, merged) is not
 * counted on: it stops at 200 values, and DataLoader batches are larger.
 */

/** An index as the code creates it. */
export interface IndexSpec {
  collection: string;
  name: string;
  /** The keys in order, with their directions. */
  keys: Readonly<Record<string, 1 | -1>>;
  unique?: boolean;
  /** Keys whose values are arrays in the documents: MongoDB makes the index multikey on them. */
  arrays?: readonly string[];
}

/** How a filter constrains one field. */
type Constraint = 'equal' | 'in' | 'range' | 'filter';
const STRENGTH: Record<Constraint, number> = { equal: 3, in: 2, range: 1, filter: 0 };
const RANGE_OPERATORS: ReadonlySet<string> = new Set(['$gt', '$gte', '$lt', '$lte']);

/** A conjunction: constrained fields, and `$or`s each of whose branches is a conjunction. */
interface Conjunction {
  fields: Map<string, Constraint>;
  ors: Conjunction[][];
}

function isRecord(value: Shape | undefined): value is { [key: string]: Shape } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function operatorConstraint(operator: string, operand: Shape): Constraint {
  if (operator === '$eq') return 'equal';
  if (operator === '$in') return Array.isArray(operand) && operand.length === 1 ? 'equal' : 'in';
  if (RANGE_OPERATORS.has(operator)) return 'range';
  if (operator === '$regex' && operand === PREFIX_REGEX) return 'range';
  return 'filter';
}

function constraintOf(condition: Shape): Constraint {
  if (condition === VALUE) return 'equal';
  if (condition === PREFIX_REGEX) return 'range';
  if (!isRecord(condition)) return 'filter';
  let best: Constraint = 'filter';
  for (const [operator, operand] of Object.entries(condition)) {
    const constraint = operatorConstraint(operator, operand);
    if (STRENGTH[constraint] > STRENGTH[best]) best = constraint;
  }
  return best;
}

function constrain(fields: Map<string, Constraint>, field: string, constraint: Constraint): void {
  const previous = fields.get(field);
  if (previous === undefined || STRENGTH[constraint] > STRENGTH[previous]) fields.set(field, constraint);
}

function merge(into: Conjunction, from: Conjunction): Conjunction {
  const fields = new Map(into.fields);
  for (const [field, constraint] of from.fields) constrain(fields, field, constraint);
  return { fields, ors: [...into.ors, ...from.ors] };
}

function conjunction(filter: Shape): Conjunction {
  let result: Conjunction = { fields: new Map(), ors: [] };
  if (!isRecord(filter)) return result;
  for (const [key, value] of Object.entries(filter)) {
    if (key === '$and' && Array.isArray(value)) for (const clause of value) result = merge(result, conjunction(clause));
    else if (key === '$or' && Array.isArray(value)) {
      const branches = value.map(conjunction);
      if (branches.length === 1 && branches[0]) result = merge(result, branches[0]);
      else result = { ...result, ors: [...result.ors, branches] };
    } else if (!key.startsWith('$')) constrain(result.fields, key, constraintOf(value));
    // $nor, $expr, $comment: filtered after the scan.
  }
  return result;
}

/** Does the filter constrain the index's first key, so the scan reads only matching entries? */
function bounds(index: IndexSpec, fields: Map<string, Constraint>): boolean {
  const first = Object.keys(index.keys)[0];
  const constraint = first === undefined ? undefined : fields.get(first);
  return constraint !== undefined && constraint !== 'filter';
}

/**
 * A page read through the index (ESR): does the index give the sort's order,
 * and does the filter bound or filter the scan on the index's own keys —
 * equality keys before the sort's, a seek on its first key, or a range or
 * `$in` right after it?
 */
function pagePlan(index: IndexSpec, fields: Map<string, Constraint>, sort: ReadonlyArray<[string, number]>): { ordered: boolean; bounded: boolean } {
  const pending = sort.filter(([field]) => fields.get(field) !== 'equal');
  const arrays = new Set(index.arrays ?? []);
  const keys = Object.entries(index.keys);
  let next = 0;
  let sign = 0;
  let bounded = false;
  let at = 0;
  for (; at < keys.length && next < pending.length; at += 1) {
    const [field, direction] = keys[at] as [string, number];
    const constraint = fields.get(field);
    const [sortField, sortDirection] = pending[next] as [string, number];
    if (field !== sortField) {
      // Only a key fixed by equality keeps the order of the keys after it.
      if (constraint !== 'equal') return { ordered: false, bounded };
      bounded = true;
      continue;
    }
    const s = Math.sign(direction * sortDirection);
    if (arrays.has(field) || (sign !== 0 && s !== sign)) return { ordered: false, bounded };
    sign = s;
    if (constraint !== undefined && constraint !== 'filter') bounded = true;
    next += 1;
  }
  if (next < pending.length) return { ordered: false, bounded };
  const after = keys[at];
  if (after && fields.has(after[0]) && fields.get(after[0]) !== 'filter') bounded = true;
  return { ordered: true, bounded };
}

interface Read {
  sort: ReadonlyArray<[string, number]>;
  /** A page (a sort and a limit): the index must give the order, or every match is sorted to return a few. */
  page: boolean;
}

/** How many of the index's leading keys the filter constrains (equality keys, then one more): the tighter, the better. */
function tightness(index: IndexSpec, fields: Map<string, Constraint>): number {
  let count = 0;
  for (const field of Object.keys(index.keys)) {
    const constraint = fields.get(field);
    if (constraint === undefined || constraint === 'filter') break;
    count += 1;
    if (constraint !== 'equal') break;
  }
  return count;
}

function serves(index: IndexSpec, c: Conjunction, read: Read): boolean {
  if (!read.page) return bounds(index, c.fields);
  const plan = pagePlan(index, c.fields, read.sort);
  const unfiltered = c.fields.size === 0 && c.ors.length === 0;
  return plan.ordered && (plan.bounded || unfiltered);
}

/** The index (or, for an `$or`, the indexes) that serve the conjunction, or undefined. */
function servingIndex(c: Conjunction, read: Read, indexes: readonly IndexSpec[]): string | undefined {
  // Of the indexes that serve it, the one whose keys the filter constrains most, as MongoDB's planner would pick.
  const found = indexes.filter((index) => serves(index, c, read)).sort((a, b) => tightness(b, c.fields) - tightness(a, c.fields))[0];
  if (found) return found.name;
  for (const branches of c.ors) {
    const others: Conjunction = { fields: c.fields, ors: c.ors.filter((or) => or !== branches) };
    const names = branches.map((branch) => servingIndex(merge(others, branch), read, indexes));
    if (names.every((name) => name !== undefined)) return `$or(${[...new Set(names)].join(', ')})`;
  }
  return undefined;
}

/** The index the read would need (ESR): equality keys, then a page's sort, then one range (or, on a page, one `$in`). */
function neededIndex(c: Conjunction, read: Read): Record<string, number> | undefined {
  const keys: Record<string, number> = {};
  const entries = [...c.fields];
  const equality = (constraint: Constraint) => constraint === 'equal' || (!read.page && constraint === 'in');
  for (const [field, constraint] of entries) if (equality(constraint)) keys[field] = 1;
  if (read.page) for (const [field, direction] of read.sort) if (!(field in keys)) keys[field] = direction;
  const range = entries.find(([field, constraint]) => !(field in keys) && (constraint === 'range' || constraint === 'in'));
  if (range) keys[range[0]] = 1;
  const useful =
    entries.some(([field, constraint]) => constraint !== 'filter' && field in keys) || (read.page && read.sort.length > 0 && c.fields.size === 0 && c.ors.length === 0);
  if (!useful && c.ors[0]?.[0]) return neededIndex(merge({ fields: c.fields, ors: [] }, c.ors[0][0]), read);
  return useful ? keys : undefined;
}

/** Whether a filter has any condition that could bound an index scan (equality, `$in`, a range, or an `$or`). */
export function hasIndexableCondition(filter: Shape): boolean {
  const c = conjunction(filter);
  return c.ors.length > 0 || [...c.fields.values()].some((constraint) => constraint !== 'filter');
}

export interface ShapeVerdict {
  shape: ReadShape;
  /** The serving index's name (`$or(a, b)` for an `$or` served branch by branch), when served. */
  index?: string;
  /** When not served and an index would serve it: that index (`an index {…} on <collection>`). */
  lacks?: string;
  /** When not served and no index could serve it: why. */
  why?: string;
}

/** The implicit unique index on `_id` of every collection. */
export function idIndex(collection: string): IndexSpec {
  return { collection, name: '_id_', keys: { _id: 1 }, unique: true };
}

/** Whether the indexes serve one read shape; when not, which index it lacks. */
export function verdictFor(shape: ReadShape, indexes: readonly IndexSpec[]): ShapeVerdict {
  const own = [idIndex(shape.collection), ...indexes.filter((index) => index.collection === shape.collection)];
  const c = conjunction(shape.filter);
  const read: Read = { sort: Object.entries(shape.sort ?? {}), page: Boolean(shape.limit && shape.sort) };
  if (shape.command === 'count' && c.fields.size === 0 && c.ors.length === 0) return { shape, index: '(collection metadata)' };
  const index = servingIndex(c, read, own);
  if (index) return { shape, index };
  const needed = neededIndex(c, read);
  if (needed) return { shape, lacks: `an index ${JSON.stringify(needed)} on ${shape.collection}` };
  const unfiltered = c.fields.size === 0 && c.ors.length === 0;
  return {
    shape,
    why: unfiltered ? 'it reads the whole collection (no filter, and no page an index could order)' : 'no field of its filter can bound a scan (a substring regex, $ne, …)',
  };
}

/** A read that may go unserved, and why; listed once, in the README too. */
export interface AllowedUnindexed {
  /** Why no index can serve it, and what bounds its cost. */
  reason: string;
  matches(shape: ReadShape): boolean;
}

export interface CoverageReport {
  /** Distinct read shapes seen. */
  shapes: number;
  /** Of those, served by an index. */
  served: number;
  /** Not served, but allowed (with the reason). */
  allowed: Array<ShapeVerdict & { reason: string }>;
  /** Not served and not allowed: each fails the check. */
  unserved: ShapeVerdict[];
  verdicts: ShapeVerdict[];
}

/** Checks every read shape (deduplicated) against the indexes; `allowed` lists what may go unserved. */
export function checkIndexCoverage(shapes: readonly ReadShape[], indexes: readonly IndexSpec[], allowed: readonly AllowedUnindexed[] = []): CoverageReport {
  // The same shape from several processes or components counts once (a recording's lines also name their component).
  const distinct = new Map<string, ReadShape>();
  for (const shape of shapes) distinct.set(describeShape(shape), shape);
  const verdicts = [...distinct.values()].map((shape) => verdictFor(shape, indexes));
  const allowedVerdicts: CoverageReport['allowed'] = [];
  const unserved: ShapeVerdict[] = [];
  for (const verdict of verdicts) {
    if (verdict.index) continue;
    const allowance = allowed.find((entry) => entry.matches(verdict.shape));
    if (allowance) allowedVerdicts.push({ ...verdict, reason: allowance.reason });
    else unserved.push(verdict);
  }
  return { shapes: verdicts.length, served: verdicts.length - allowedVerdicts.length - unserved.length, allowed: allowedVerdicts, unserved, verdicts };
}

/** The failure message: one line per unserved shape, naming it and the index it lacks. */
export function describeUnserved(report: CoverageReport): string {
  return report.unserved
    .map((verdict) => `${describeShape(verdict.shape)} is served by no index; ${verdict.lacks ? `it lacks ${verdict.lacks}` : `none can serve it: ${verdict.why}`}`)
    .join('\n');
}
