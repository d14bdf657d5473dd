import { randomBytes } from 'node:crypto';
import { MongoClient } from 'mongodb';
import type { DatabaseConnection } from '../../src/platform/db/client';
import { catalogueCollections, ensureCatalogueIndexes, type CatalogueCollections } from '../../src/subgraphs/catalogue/collections';

export interface TestDatabase extends DatabaseConnection {
  name: string;
  /** The run's server, without a database name: components choose theirs with MONGODB_DB. */
  uri: string;
  collections: CatalogueCollections;
  /** Drops the database and closes the client. */
  drop(): Promise<void>;
}

export function testDatabaseUri(): string {
  const uri = process.env.TEST_MONGODB_URI;
  if (!uri) throw new Error('TEST_MONGODB_URI is not set: run the tests with `npm test` (jest global setup starts the database)');
  return uri;
}

/** A fresh, empty database on the run's shared server, with the catalogue's indexes. */
export async function openTestDatabase(prefix = 'test'): Promise<TestDatabase> {
  const uri = testDatabaseUri();
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 5_000, monitorCommands: true });
  const db = client.db(name);
  const c = catalogueCollections(db);
  await ensureCatalogueIndexes(c);
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
