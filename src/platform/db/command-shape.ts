/**
 * The shape of a database command: its field names, operators and sort, with
 * every value replaced by "?". Shapes are what the index-coverage check
 * reads (src/platform/db/index-coverage.ts) and what traces show of a
 * command: a citizen ID, a name or a search text never appears in one.
 */

/** A JSON value whose leaves are "?" (a hidden value), sort directions, or the markers below. */
export type Shape = string | number | boolean | null | Shape[] | { [key: string]: Shape };

/** A hidden value. */
export const VALUE = '?';
/** `$in` / `$nin` / `$all` with several values (one value is written `["?"]`). */
export const SEVERAL: Shape = [VALUE, '…'];
/** A regular expression anchored at the start and case-sensitive (MongoDB can bound an index scan with it). */
export const PREFIX_REGEX = '/^?/';
/** Any other regular expression (MongoDB must test every key or document). */
export const REGEX = '/?/';

/** The reads the index-coverage check looks at. */
export type ReadCommand = 'find' | 'aggregate' | 'count' | 'distinct';
const READS: ReadonlySet<string> = new Set<ReadCommand>(['find', 'aggregate', 'count', 'distinct']);

/** One read, as a shape. */
export interface ReadShape {
  collection: string;
  command: ReadCommand;
  /** The filter (find), the query (count, distinct), or the leading `$match` stages (aggregate). */
  filter: { [key: string]: Shape };
  /** The sort (find), or the `$sort` stage that follows the leading `$match` (aggregate). */
  sort?: Record<string, number>;
  /** A find with a limit, or a `$limit` right after that `$sort`: the sort decides which documents are read. */
  limit?: true;
  /** The aggregate's stages, by operator. */
  stages?: string[];
  /** The field a distinct reads. */
  key?: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A JS RegExp, or the driver's BSONRegExp: `^…` without the `i` flag is a prefix MongoDB can bound a scan with. */
function regexShape(value: unknown, flags = ''): string | undefined {
  if (value instanceof RegExp) return regexShape(value.source, value.flags + flags);
  if (isRecord(value) && value._bsontype === 'BSONRegExp') return regexShape(value.pattern, String(value.options ?? '') + flags);
  if (typeof value === 'string') return value.startsWith('^') && !flags.includes('i') ? PREFIX_REGEX : REGEX;
  return undefined;
}

/** Driver and BSON value types (ObjectId, Date, Decimal128, …) are values, not sub-documents. */
function isValueObject(value: unknown): boolean {
  return value instanceof Date || (isRecord(value) && typeof value._bsontype === 'string' && value._bsontype !== 'BSONRegExp');
}

function operatorShape(operator: string, operand: unknown, siblings: Record<string, unknown>): Shape {
  if (operator === '$in' || operator === '$nin' || operator === '$all') return Array.isArray(operand) && operand.length === 1 ? [VALUE] : SEVERAL;
  if (operator === '$regex') return regexShape(operand, typeof siblings.$options === 'string' ? siblings.$options : '') ?? REGEX;
  if (operator === '$and' || operator === '$or' || operator === '$nor') return Array.isArray(operand) ? operand.map((clause) => filterShape(clause)) : VALUE;
  if (operator === '$elemMatch' || operator === '$not') return isRecord(operand) ? filterShape(operand) : (regexShape(operand) ?? VALUE);
  return VALUE;
}

/** A filter (or a field's condition) with its values hidden and its operators kept. */
export function filterShape(filter: unknown): { [key: string]: Shape } {
  if (!isRecord(filter) || isValueObject(filter)) return {};
  const shape: { [key: string]: Shape } = {};
  for (const [key, value] of Object.entries(filter)) {
    if (key === '$options') continue;
    if (key.startsWith('$')) shape[key] = operatorShape(key, value, filter);
    else if (regexShape(value) !== undefined && typeof value !== 'string') shape[key] = regexShape(value) as string;
    else if (isRecord(value) && !isValueObject(value) && Object.keys(value).some((k) => k.startsWith('$'))) shape[key] = filterShape(value);
    else shape[key] = VALUE;
  }
  return shape;
}

/** A sort as the driver sends it: a Map (the driver keeps the keys' order in one) or a plain object (`$sort`). */
function sortShape(sort: unknown): Record<string, number> | undefined {
  const entries = sort instanceof Map ? [...(sort as Map<string, unknown>).entries()] : isRecord(sort) ? Object.entries(sort) : [];
  if (entries.length === 0) return undefined;
  return Object.fromEntries(entries.map(([field, direction]) => [field, direction === -1 || direction === 'desc' || direction === 'descending' ? -1 : 1]));
}

/** An aggregate's leading `$match` stages (MongoDB merges them), then its `$sort` and `$limit` if they come next. */
function pipelineShape(pipeline: unknown[]): Pick<ReadShape, 'filter' | 'sort' | 'limit' | 'stages'> {
  const stages = pipeline.filter(isRecord);
  const matches: unknown[] = [];
  let index = 0;
  for (; index < stages.length && stages[index]?.$match !== undefined; index += 1) matches.push(stages[index]?.$match);
  const sort = sortShape(stages[index]?.$sort);
  const limit = sort !== undefined && stages[index + 1]?.$limit !== undefined;
  const filter = matches.length === 1 ? filterShape(matches[0]) : matches.length > 1 ? { $and: matches.map((m) => filterShape(m)) } : {};
  return { filter, ...(sort ? { sort } : {}), ...(limit ? { limit: true as const } : {}), stages: stages.map((stage) => Object.keys(stage)[0] ?? '?') };
}

/**
 * The shape of a find, aggregate, count or distinct command as the driver
 * sends it (`commandStarted`), or undefined for any other command.
 */
export function readShape(commandName: string, command: Record<string, unknown>): ReadShape | undefined {
  if (!READS.has(commandName)) return undefined;
  const collection = typeof command[commandName] === 'string' ? (command[commandName] as string) : '(database)';
  const base = { collection, command: commandName as ReadCommand };
  if (commandName === 'find') {
    const sort = sortShape(command.sort);
    return { ...base, filter: filterShape(command.filter), ...(sort ? { sort } : {}), ...(typeof command.limit === 'number' && command.limit > 0 ? { limit: true as const } : {}) };
  }
  if (commandName === 'aggregate') return { ...base, ...pipelineShape(Array.isArray(command.pipeline) ? command.pipeline : []) };
  if (commandName === 'distinct') return { ...base, filter: filterShape(command.query), key: String(command.key) };
  return { ...base, filter: filterShape(command.query) };
}

/** One line naming a read shape, as messages and reports show it: `milestones.find({…}).sort({…}).limit(n)`. */
export function describeShape(shape: ReadShape): string {
  const filter = JSON.stringify(shape.filter);
  const call = shape.command === 'distinct' ? `distinct(${JSON.stringify(shape.key)}, ${filter})` : `${shape.command}(${filter})`;
  const sort = shape.sort ? `.sort(${JSON.stringify(shape.sort)})` : '';
  const limit = shape.limit ? '.limit(n)' : '';
  const stages = shape.command === 'aggregate' ? ` [${(shape.stages ?? []).join(', ')}]` : '';
  return `${shape.collection}.${call}${sort}${limit}${stages}`;
}

/**
 * Any command (or a document it carries) with its values hidden, for a trace's
 * `db.query.text`: field names and operators only, arrays by their distinct shapes.
 */
export function hideValues(value: unknown, depth = 0): Shape {
  if (depth > 12) return VALUE;
  const regex = typeof value === 'string' ? undefined : regexShape(value);
  if (regex !== undefined) return regex;
  if (Array.isArray(value)) {
    const distinct = new Map<string, Shape>();
    for (const item of value) {
      const shape = hideValues(item, depth + 1);
      distinct.set(JSON.stringify(shape), shape);
      if (distinct.size >= 5) break;
    }
    return [...distinct.values()];
  }
  if (value instanceof Map) return hideValues(Object.fromEntries(value), depth);
  if (isRecord(value) && !isValueObject(value)) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, hideValues(item, depth + 1)]));
  return VALUE;
}
