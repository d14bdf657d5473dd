import { describeShape, hideValues, readShape, type ReadShape } from '../../src/platform/db/command-shape';
import { checkIndexCoverage, describeUnserved, verdictFor, type IndexSpec } from '../../src/platform/db/index-coverage';
import { CATALOGUE_INDEXES } from '../../src/subgraphs/catalogue/collections';
import { catalogueIndexCoverage } from '../../src/subgraphs/catalogue/index-coverage';

const CITIZEN_ID = '001203004567';

/** The shape of a find as the driver reports it (its sort is a Map, as the driver sends it). */
function find(filter: Record<string, unknown>, sort?: Array<[string, 1 | -1]>, limit?: number): ReadShape {
  return readShape('find', { find: 'c', filter, ...(sort ? { sort: new Map(sort) } : {}), ...(limit ? { limit } : {}) }) as ReadShape;
}
const page = (filter: Record<string, unknown>, sort: Array<[string, 1 | -1]>): ReadShape => find(filter, sort, 21);
const index = (name: string, keys: Record<string, 1 | -1>, arrays?: string[]): IndexSpec => ({ collection: 'c', name, keys, ...(arrays ? { arrays } : {}) });

describe('command shapes', () => {
  it('keep field names, operators and sort, and hide every value', () => {
    const shape = readShape('find', {
      find: 'milestones',
      filter: {
        $and: [{ directiveId: { $in: ['a', 'b'] } }, { serviceId: { $in: ['only'] } }, { searchText: { $regex: /dang ky/ } }, { sortName: /^abc/ }, { owner: CITIZEN_ID }],
      },
      sort: new Map([
        ['sortDocument', 1],
        ['_id', 1],
      ]),
      limit: 21,
      maxTimeMS: 5000,
    });
    expect(shape).toEqual({
      collection: 'milestones',
      command: 'find',
      filter: { $and: [{ directiveId: { $in: ['?', '…'] } }, { serviceId: { $in: ['?'] } }, { searchText: { $regex: '/?/' } }, { sortName: '/^?/' }, { owner: '?' }] },
      sort: { sortDocument: 1, _id: 1 },
      limit: true,
    });
    expect(JSON.stringify(shape)).not.toMatch(/dang|abc|only|\d{12}/);
    expect(describeShape(shape as ReadShape)).toBe(
      'milestones.find({"$and":[{"directiveId":{"$in":["?","…"]}},{"serviceId":{"$in":["?"]}},{"searchText":{"$regex":"/?/"}},{"sortName":"/^?/"},{"owner":"?"}]}).sort({"sortDocument":1,"_id":1}).limit(n)',
    );
  });

  it('read an aggregate by its leading $match, the $sort and $limit after it, and its stages', () => {
    const shape = readShape('aggregate', {
      aggregate: 'milestones',
      pipeline: [{ $match: { level: 'FULL' } }, { $match: { serviceId: 'x' } }, { $sort: { sortDue: -1 } }, { $limit: 5 }, { $group: { _id: '$statusState' } }],
    });
    expect(shape).toEqual({
      collection: 'milestones',
      command: 'aggregate',
      filter: { $and: [{ level: '?' }, { serviceId: '?' }] },
      sort: { sortDue: -1 },
      limit: true,
      stages: ['$match', '$match', '$sort', '$limit', '$group'],
    });
    expect(readShape('count', { count: 'directives' })).toEqual({ collection: 'directives', command: 'count', filter: {} });
    expect(readShape('distinct', { distinct: 'milestones', key: 'serviceId', query: { level: { $in: ['FULL', 'PARTIAL'] } } })).toEqual({
      collection: 'milestones',
      command: 'distinct',
      key: 'serviceId',
      filter: { level: { $in: ['?', '…'] } },
    });
    expect(readShape('insert', { insert: 'audit_log', documents: [] })).toBeUndefined();
  });

  it('hide the values of any command, for traces, with arrays by their distinct shapes', () => {
    const hidden = hideValues({ insert: 'audit_log', documents: [{ subject: CITIZEN_ID, fields: ['fullName', 'dateOfBirth'], at: new Date() }] });
    expect(hidden).toEqual({ insert: '?', documents: [{ subject: '?', fields: ['?'], at: '?' }] });
  });
});

describe('index selection, by MongoDB’s rules', () => {
  it('serves a read that returns all it matches from an index whose first key the filter constrains', () => {
    const indexes = [index('a_b', { a: 1, b: 1 })];
    expect(verdictFor(find({ a: 'x' }), indexes).index).toBe('a_b');
    expect(verdictFor(find({ a: { $in: ['x', 'y'] }, z: 1 }), indexes).index).toBe('a_b');
    expect(verdictFor(find({ a: { $gte: 'x' } }), indexes).index).toBe('a_b');
    expect(verdictFor(find({ a: /^pre/ }), indexes).index).toBe('a_b');
    // Only the second key: the whole index would be read.
    expect(verdictFor(find({ b: 'x' }), indexes)).toMatchObject({ lacks: 'an index {"b":1} on c' });
    // A sort without a limit is done on the result, whose size it is.
    expect(verdictFor(find({ a: { $in: ['x', 'y'] } }, [['s', 1]]), indexes).index).toBe('a_b');
  });

  it('uses _id’s implicit index, and a count of a whole collection uses its metadata', () => {
    expect(verdictFor(find({ _id: { $in: ['x', 'y'] } }), []).index).toBe('_id_');
    expect(verdictFor(readShape('count', { count: 'c' }) as ReadShape, []).index).toBe('(collection metadata)');
    expect(verdictFor(readShape('aggregate', { aggregate: 'c', pipeline: [{ $match: {} }, { $group: { _id: 1, n: { $sum: 1 } } }] }) as ReadShape, [])).toMatchObject({
      why: expect.stringContaining('reads the whole collection'),
    });
  });

  it('does not bound a scan with $ne, $nin, $exists or an unanchored or case-insensitive regex', () => {
    const indexes = [index('a', { a: 1 })];
    for (const condition of [{ $ne: 'x' }, { $nin: ['x', 'y'] }, { $exists: true }, /inside/, { $regex: '^x', $options: 'i' }]) {
      expect(verdictFor(find({ a: condition }), indexes)).toMatchObject({ why: expect.stringContaining('no field of its filter can bound a scan') });
    }
  });

  it('orders a page by equality keys, then the sort’s keys in order: ESR', () => {
    const indexes = [index('a_s_id', { a: 1, s: 1, _id: 1 })];
    expect(
      verdictFor(
        page({ a: 'x' }, [
          ['s', 1],
          ['_id', 1],
        ]),
        indexes,
      ).index,
    ).toBe('a_s_id');
    // A $in of one value is an equality (MongoDB rewrites it to $eq).
    expect(
      verdictFor(
        page({ a: { $in: ['x'] } }, [
          ['s', 1],
          ['_id', 1],
        ]),
        indexes,
      ).index,
    ).toBe('a_s_id');
    // Sort keys fixed by equality order nothing.
    expect(
      verdictFor(
        page({ a: 'x', s: 'y' }, [
          ['s', 1],
          ['_id', 1],
        ]),
        indexes,
      ).index,
    ).toBe('a_s_id');
    // A range on the first sort key is a seek: it bounds the scan and keeps the order.
    expect(
      verdictFor(
        page({ a: 'x', s: { $gt: 'y' } }, [
          ['s', 1],
          ['_id', 1],
        ]),
        indexes,
      ).index,
    ).toBe('a_s_id');
    // The sort's keys out of the index's order.
    expect(
      verdictFor(
        page({ a: 'x' }, [
          ['_id', 1],
          ['s', 1],
        ]),
        indexes,
      ),
    ).toMatchObject({ lacks: 'an index {"a":1,"_id":1,"s":1} on c' });
  });

  it('takes a sort in the index’s directions or all reversed, never mixed', () => {
    const indexes = [index('s_id', { s: -1, _id: 1 })];
    expect(
      verdictFor(
        page({}, [
          ['s', -1],
          ['_id', 1],
        ]),
        indexes,
      ).index,
    ).toBe('s_id');
    expect(
      verdictFor(
        page({}, [
          ['s', 1],
          ['_id', -1],
        ]),
        indexes,
      ).index,
    ).toBe('s_id');
    expect(
      verdictFor(
        page({}, [
          ['s', 1],
          ['_id', 1],
        ]),
        indexes,
      ),
    ).toMatchObject({ lacks: 'an index {"s":1,"_id":1} on c' });
  });

  it('counts a $in of several values as equality for matching but not for the sort after it', () => {
    const sort: Array<[string, 1 | -1]> = [
      ['s', 1],
      ['_id', 1],
    ];
    expect(verdictFor(page({ a: { $in: ['x', 'y'] } }, sort), [index('a_s_id', { a: 1, s: 1, _id: 1 })])).toMatchObject({ lacks: 'an index {"s":1,"_id":1,"a":1} on c' });
    // After the sort's keys, the $in filters the index's own keys (ESR's range).
    expect(verdictFor(page({ a: { $in: ['x', 'y'] } }, sort), [index('s_id_a', { s: 1, _id: 1, a: 1 })]).index).toBe('s_id_a');
    // A range before the sort's keys breaks the order the same way.
    expect(verdictFor(page({ a: { $lt: 'x' } }, sort), [index('a_s_id', { a: 1, s: 1, _id: 1 })])).toMatchObject({ lacks: 'an index {"s":1,"_id":1,"a":1} on c' });
  });

  it('never orders by a multikey (array) key, but matches on one and orders by the keys after it', () => {
    expect(verdictFor(page({}, [['tags', 1]]), [index('tags', { tags: 1 }, ['tags'])])).toMatchObject({ lacks: 'an index {"tags":1} on c' });
    expect(verdictFor(page({ tags: 'x' }, [['s', 1]]), [index('tags_s', { tags: 1, s: 1 }, ['tags'])]).index).toBe('tags_s');
    expect(verdictFor(find({ tags: { $in: ['x', 'y'] } }), [index('tags', { tags: 1 }, ['tags'])]).index).toBe('tags');
  });

  it('needs the order only for a page of a whole collection, and an index for a page with a filter', () => {
    const indexes = [index('s_id', { s: 1, _id: 1 })];
    expect(
      verdictFor(
        page({}, [
          ['s', 1],
          ['_id', 1],
        ]),
        indexes,
      ).index,
    ).toBe('s_id');
    // The filter's field is not in the index: MongoDB would read documents in order until the page fills, however far.
    expect(
      verdictFor(
        page({ level: 'x' }, [
          ['s', 1],
          ['_id', 1],
        ]),
        indexes,
      ),
    ).toMatchObject({ lacks: 'an index {"level":1,"s":1,"_id":1} on c' });
  });

  it('serves an $or when each branch has an index, as a keyset seek does', () => {
    const indexes = [index('s_id', { s: -1, _id: 1 })];
    const seek = page({ $and: [{}, { $or: [{ s: { $lt: 'v' } }, { s: 'v', _id: { $gt: 'i' } }] }] }, [
      ['s', -1],
      ['_id', 1],
    ]);
    expect(verdictFor(seek, indexes).index).toBe('$or(s_id)');
    expect(verdictFor(find({ $or: [{ a: 'x' }, { b: 'y' }] }), [index('a', { a: 1 }), index('b', { b: 1 })]).index).toBe('$or(a, b)');
    expect(verdictFor(find({ $or: [{ a: 'x' }, { c: 'y' }] }), [index('a', { a: 1 })])).toMatchObject({ lacks: 'an index {"a":1} on c' });
    // An $or beside a condition an index serves is filtered after the scan.
    expect(verdictFor(find({ a: 'x', $or: [{ b: 1 }, { c: 2 }] }), [index('a', { a: 1 })]).index).toBe('a');
  });

  it('reports every shape once, fails the unserved ones naming the shape and the index, and lets listed ones through with their reason', () => {
    const indexes = [index('a', { a: 1 })];
    const shapes = [find({ a: 'x' }), find({ a: 'y' }), find({ b: 'x' }), find({ text: /t/ })];
    const allowed = [{ reason: 'substring', matches: (shape: ReadShape) => 'text' in shape.filter }];
    const report = checkIndexCoverage(shapes, indexes, allowed);
    expect({ shapes: report.shapes, served: report.served }).toEqual({ shapes: 3, served: 1 });
    expect(report.allowed.map((entry) => entry.reason)).toEqual(['substring']);
    expect(describeUnserved(report)).toBe('c.find({"b":"?"}) is served by no index; it lacks an index {"b":1} on c');
  });
});

describe('the catalogue’s indexes and allowances', () => {
  const shape = (collection: string, filter: Record<string, unknown>, sort?: Array<[string, 1 | -1]>, limit?: number): ReadShape => ({ ...find(filter, sort, limit), collection });

  it('serve the reads the loaders and pages make', () => {
    const report = catalogueIndexCoverage([
      shape('milestones', { directiveId: { $in: ['a', 'b'] } }, [
        ['sortDocument', 1],
        ['_id', 1],
      ]),
      shape(
        'milestones',
        { directiveId: { $in: ['a'] } },
        [
          ['sortDocument', 1],
          ['_id', 1],
        ],
        21,
      ),
      shape(
        'directives',
        {},
        [
          ['dateSort', -1],
          ['_id', 1],
        ],
        21,
      ),
      shape('provinces', { era: 'FROM_2025_07' }, [['code', 1]]),
    ]);
    expect(report.unserved.map((v) => describeShape(v.shape))).toEqual([]);
  });

  it('allow a substring search only where the rest of its filter is served or empty', () => {
    const report = catalogueIndexCoverage([
      shape('services', { searchText: { $regex: /dang ky/ } }, undefined, 2000),
      shape(
        'milestones',
        { $and: [{ directiveId: 'x' }, { searchText: { $regex: /x/ } }] },
        [
          ['sortDocument', 1],
          ['_id', 1],
        ],
        21,
      ),
      shape('milestones', { $and: [{ carriedOver: true }, { searchText: { $regex: /x/ } }] }),
    ]);
    // Beside a condition an index serves, the regex is tested on the documents that index reads: served.
    expect({ shapes: report.shapes, served: report.served }).toEqual({ shapes: 3, served: 1 });
    expect(report.allowed.map((v) => v.shape.collection)).toEqual(['services']);
    expect(report.unserved.map((v) => v.lacks)).toEqual(['an index {"carriedOver":1} on milestones']);
  });

  it('declare each index once, by name, on a catalogue collection', () => {
    const names = CATALOGUE_INDEXES.map((i) => `${i.collection}.${i.name}`);
    expect(new Set(names).size).toBe(names.length);
    for (const i of CATALOGUE_INDEXES) for (const key of i.arrays ?? []) expect(Object.keys(i.keys)).toContain(key);
  });
});
