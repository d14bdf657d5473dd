import { MongoServerError } from 'mongodb';
import { readOptions, readWhole } from '../../src/platform/db/queries';
import { openTestDatabase, type TestDatabase } from '../support/database';

/** Proves the driver works against the run's database for every operation the gateway relies on. */
describe('database smoke test', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await openTestDatabase('smoke');
  });
  afterAll(() => database.drop());

  interface Row {
    _id: string;
    group: string;
    amount: number;
    tags: string[];
  }

  it('inserts, finds with $in, updates, groups with $sum, and rejects duplicates with 11000', async () => {
    const rows = database.db.collection<Row>('rows');
    await rows.createIndex({ group: 1, amount: 1 }, { unique: true });
    await rows.insertMany([
      { _id: 'a', group: 'x', amount: 2, tags: ['t1'] },
      { _id: 'b', group: 'x', amount: 3, tags: ['t1', 't2'] },
      { _id: 'c', group: 'y', amount: 5, tags: ['t2'] },
    ]);

    const found = await rows
      .find({ _id: { $in: ['a', 'c', 'missing'] } })
      .sort({ _id: 1 })
      .toArray();
    expect(found.map((r) => r._id)).toEqual(['a', 'c']);
    expect(await rows.countDocuments({ tags: 't2' })).toBe(2);

    const updated = await rows.updateOne({ _id: 'a' }, { $set: { amount: 4 } });
    expect(updated.modifiedCount).toBe(1);
    expect((await rows.findOne({ _id: 'a' }))?.amount).toBe(4);

    const sums = await rows.aggregate<{ _id: string; total: number }>([{ $group: { _id: '$group', total: { $sum: '$amount' } } }, { $sort: { _id: 1 } }]).toArray();
    expect(sums).toEqual([
      { _id: 'x', total: 7 },
      { _id: 'y', total: 5 },
    ]);
    const counts = await rows.aggregate<{ _id: string; n: number }>([{ $group: { _id: '$group', n: { $sum: 1 } } }, { $sort: { _id: 1 } }]).toArray();
    expect(counts).toEqual([
      { _id: 'x', n: 2 },
      { _id: 'y', n: 1 },
    ]);

    const duplicate = rows.insertOne({ _id: 'd', group: 'y', amount: 5, tags: [] });
    await expect(duplicate).rejects.toBeInstanceOf(MongoServerError);
    await expect(duplicate).rejects.toMatchObject({ code: 11000 });
    expect(await rows.countDocuments({})).toBe(3);
  });

  it('upserts idempotently through bulkWrite', async () => {
    const rows = database.db.collection<{ _id: string; v: number }>('bulk');
    const write = () => rows.bulkWrite([{ replaceOne: { filter: { _id: 'k' }, replacement: { v: 1 }, upsert: true } }], { ordered: false });
    await write();
    await write();
    expect(await rows.find({}).toArray()).toEqual([{ _id: 'k', v: 1 }]);
  });

  it('accepts the server-side time limit every read carries (maxTimeMS)', async () => {
    const rows = database.db.collection<{ _id: string }>('timed');
    await rows.insertOne({ _id: 'a' });
    expect(await rows.find({}, readWhole()).toArray()).toEqual([{ _id: 'a' }]);
    expect(await rows.countDocuments({}, readOptions())).toBe(1);
    expect(await rows.aggregate([{ $match: {} }], readWhole()).toArray()).toEqual([{ _id: 'a' }]);
    expect(readOptions().maxTimeMS).toBeGreaterThan(0);
  });
});
