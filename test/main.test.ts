import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { MongoClient } from 'mongodb';
import { createApiKey } from '../src/auth/api-keys';
import { findIds } from '../src/connectors/population/stub/generator';
import { findFreePort } from '../src/db/embedded';
import { graphql, spawnGateway, waitForReady } from './support/gateway-process';
import { testDatabaseUri } from './support/database';

/** The gateway as a process, the way `npm start` runs it. */
describe('gateway process', () => {
  jest.setTimeout(90_000);
  it('fails fast with one line naming a bad variable', async () => {
    const gateway = spawnGateway({ PORT: 'eighty' });
    expect(await gateway.exited).toBe(2);
    expect(gateway.logs().trim()).toBe('Invalid configuration: PORT must be a whole number, got "eighty"');
  });

  it('fails fast on a malformed MONGODB_URI', async () => {
    const gateway = spawnGateway({ MONGODB_URI: 'mongo://nowhere' });
    expect(await gateway.exited).toBe(2);
    expect(gateway.logs().trim().split('\n')).toHaveLength(1);
    expect(gateway.logs()).toContain('MONGODB_URI');
  });

  it('retries an unreachable database for a bounded time, then exits non-zero', async () => {
    const closedPort = await findFreePort();
    const started = Date.now();
    const gateway = spawnGateway({ MONGODB_URI: `mongodb://127.0.0.1:${closedPort}/?directConnection=true`, DB_CONNECT_TIMEOUT_MS: '1500', DB_REQUEST_TIMEOUT_MS: '300' });
    expect(await gateway.exited).toBe(1);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(gateway.logs()).toContain('database not reachable yet, retrying');
    expect(gateway.logs()).toMatch(/Database unreachable at mongodb:\/\/127\.0\.0\.1:\d+.* after \d+ attempt\(s\)/);
  });

  it('connects to MONGODB_URI, seeds an empty database, serves GraphQL and stops on SIGTERM', async () => {
    const databaseName = `main_${Date.now()}`;
    const keyClient = new MongoClient(testDatabaseUri());
    const { key } = await createApiKey(keyClient.db(databaseName), 'main test', 'officer');
    await keyClient.close();
    const gateway = spawnGateway({ MONGODB_URI: testDatabaseUri(), MONGODB_DB: databaseName });
    try {
      const url = await waitForReady(gateway);
      expect(gateway.logs()).toContain('"message":"catalogue seeded from seeds/data"');
      expect(gateway.logs()).toMatch(/"message":"population stub started".*"url":"http:\/\/127\.0\.0\.1:\d+"/);
      const { status, body } = await graphql(url, '{ health { database version } }');
      expect(status).toBe(200);
      expect(body.data).toEqual({ health: { database: true, version: expect.stringMatching(/^\d+\.\d+\.\d+/) } });
      // A citizen lookup crosses the HTTP hop to the stub the gateway started.
      const [id] = findIds('FOUND', 1, 5);
      const lookup = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: JSON.stringify({ query: 'query ($id: ID!) { citizen(id: $id, purpose: IDENTITY) { id sex } }', variables: { id } }),
      });
      expect(await lookup.json()).toEqual({ data: { citizen: { id, sex: expect.stringMatching(/^(MALE|FEMALE)$/) } } });
    } finally {
      gateway.child.kill('SIGTERM');
    }
    expect(await gateway.exited).toBe(0);
    expect(gateway.logs()).toContain('"message":"stopped"');
    const client = new MongoClient(testDatabaseUri());
    const provinces = await client.db(databaseName).collection('provinces').countDocuments();
    await client.db(databaseName).dropDatabase();
    await client.close();
    expect(provinces).toBe(63 + 34);
    expect(gateway.logs()).not.toContain(key);
  });

  it('without MONGODB_URI starts its own local database, and stops it on SIGTERM', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'dvc-gateway-embedded-'));
    const gateway = spawnGateway({ LOCAL_DB_DIR: dataDir, CACHE_DIR: resolve(__dirname, '..', '.cache') });
    let dbPort: number | undefined;
    try {
      const url = await waitForReady(gateway);
      dbPort = Number(/"message":"local database started".*?"port":(\d+)/.exec(gateway.logs())?.[1]);
      expect(dbPort).toBeGreaterThan(0);
      const { body } = await graphql(url, '{ health { database } }');
      expect(body.data).toEqual({ health: { database: true } });
    } finally {
      gateway.child.kill('SIGTERM');
    }
    expect(await gateway.exited).toBe(0);
    // The local database went down with the gateway.
    const probe = new MongoClient(`mongodb://127.0.0.1:${dbPort}/?directConnection=true`, { serverSelectionTimeoutMS: 500 });
    await expect(probe.db('admin').command({ ping: 1 })).rejects.toThrow();
    await probe.close();
    await rm(dataDir, { recursive: true, force: true });
  });
});
