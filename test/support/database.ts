import { randomBytes } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { collections, ensureIndexes, type Collections } from '../../src/db/collections';
import type { DatabaseConnection } from '../../src/db/client';

export interface TestDatabase extends DatabaseConnection {
  name: string;
  uri: string;
  collections: Collections;
  /** Drops the database and closes the client. */
  drop(): Promise<void>;
}

export function testDatabaseUri(): string {
  const uri = process.env.TEST_MONGODB_URI;
  if (!uri) throw new Error('TEST_MONGODB_URI is not set: run the tests with `npm test` (jest global setup starts the database)');
  return uri;
}

/** A fresh, empty database on the run's shared server, with the gateway's indexes. */
export async function openTestDatabase(prefix = 'test'): Promise<TestDatabase> {
  const uri = testDatabaseUri();
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 5_000, monitorCommands: true });
  const db = client.db(name);
  const c = collections(db);
  await ensureIndexes(c);
  return {
    client,
    db,
    name,
    uri,
    collections: c,
    async drop() {
      await db.dropDatabase().catch(() => undefined);
      await client.close();
    },
  };
}
