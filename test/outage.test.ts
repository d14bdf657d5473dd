import { loadConfig } from '../src/config';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { collections, ensureIndexes } from '../src/db/collections';
import { connectDatabase } from '../src/db/client';
import { startEmbeddedDatabase, type EmbeddedDatabase } from '../src/db/embedded';
import { silentLogger } from '../src/logger';
import { createServer } from '../src/server';

/**
 * The database goes away while the gateway runs, then comes back: requests fail
 * cleanly with DATABASE_UNAVAILABLE meanwhile, and succeed again afterwards.
 * Uses a database server of its own so the shared one stays up.
 */
describe('database outage while running', () => {
  const cacheDir = resolve(__dirname, '..', '.cache');
  let dataDir: string;
  let database: EmbeddedDatabase;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'dvc-gateway-outage-'));
    database = await startEmbeddedDatabase({ dataDir, cacheDir, log: silentLogger });
  });
  afterAll(async () => {
    await database.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('answers DATABASE_UNAVAILABLE during the outage and recovers after it', async () => {
    const connection = await connectDatabase({ uri: database.uri, databaseName: 'outage', connectTimeoutMs: 5_000, requestTimeoutMs: 500, log: silentLogger });
    await ensureIndexes(collections(connection.db));
    const gateway = await createServer({ config: { ...loadConfig({}), dbRequestTimeoutMs: 500 }, database: connection, log: { ...silentLogger, error: (message, fields) => process.stdout.write(`OUTAGE-INTERNAL ${message} ${JSON.stringify(fields)}\n`) } });
    const query = { query: '{ directives(first: 1) { totalCount } }' };
    const run = () => gateway.apollo.executeOperation(query, { contextValue: gateway.createContext() });
    try {
      const before = await run();
      expect(before.body.kind === 'single' && before.body.singleResult.data).toEqual({ directives: { totalCount: 0 } });

      await database.stop();
      const during = await run();
      if (during.body.kind !== 'single') throw new Error('expected a single result');
      expect(during.body.singleResult.errors?.[0]?.extensions?.code).toBe('DATABASE_UNAVAILABLE');
      expect(during.body.singleResult.errors?.[0]?.message).toMatch(/database is unavailable/);

      database = await startEmbeddedDatabase({ dataDir, cacheDir, port: database.port, log: silentLogger });
      let recovered = false;
      for (let attempt = 0; attempt < 40 && !recovered; attempt += 1) {
        const after = await run();
        recovered = after.body.kind === 'single' && after.body.singleResult.errors === undefined;
        if (!recovered) await new Promise((r) => setTimeout(r, 250));
      }
      expect(recovered).toBe(true);
    } finally {
      await gateway.stop();
      await connection.client.close();
    }
  });
});
