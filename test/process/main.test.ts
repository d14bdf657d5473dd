import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { MongoClient } from 'mongodb';
import { createApiKey } from '../../src/gateway/api-keys';
import { findIds } from '../../src/stubs/population/generator';
import { findFreePort } from '../../src/platform/db/embedded';
import { graphql, spawnGateway, SUBGRAPH, waitForReady } from '../support/gateway-process';
import { testDatabaseUri } from '../support/database';
import { AGENCY_SDL, startAgencySubgraph } from '../support/agency-subgraph';
import { TEST_SUBGRAPH_SECRET } from '../support/plain-gateway';

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
    const { key } = await createApiKey(keyClient.db(databaseName), { name: 'main test', role: 'officer' });
    await keyClient.close();
    const gateway = spawnGateway({ MONGODB_URI: testDatabaseUri(), MONGODB_DB: databaseName });
    try {
      const url = await waitForReady(gateway);
      expect(gateway.logs()).toContain('"message":"catalogue seeded from seeds/data"');
      expect(gateway.logs()).toMatch(/"message":"POPULATION_API_URL is not set: a development stub of the population database was started".*"url":"http:\/\/127\.0\.0\.1:\d+"/);
      expect(gateway.logs()).toMatch(/"message":"catalogue subgraph ready".*"url":"http:\/\/127\.0\.0\.1:\d+\/graphql"/);
      expect(gateway.logs()).toMatch(/"message":"population subgraph ready"/);
      const { status, body } = await graphql(url, '{ health { database version } }');
      expect(status).toBe(200);
      expect(body.data).toEqual({ health: { database: true, version: expect.stringMatching(/^\d+\.\d+\.\d+/) } });
      // A citizen lookup crosses the HTTP hops gateway → population subgraph → the stub.
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
    const gateway = spawnGateway({ LOCAL_DB_DIR: dataDir, CACHE_DIR: resolve(__dirname, '..', '..', '.cache') });
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

  it('refuses SUBGRAPHS without SUBGRAPH_SECRET, and stops on a composition error with one line naming the subgraph', async () => {
    const unsigned = spawnGateway({ SUBGRAPHS: 'a=http://127.0.0.1:9/graphql' });
    expect(await unsigned.exited).toBe(2);
    expect(unsigned.logs().trim()).toMatch(/^Invalid configuration: SUBGRAPH_SECRET must be set/);
    const bad = await startAgencySubgraph();
    const other = await startAgencySubgraph({ sdl: AGENCY_SDL.replace('registryOfficeCount: Int!', 'registryOfficeCount: String') });
    try {
      const gateway = spawnGateway({ SUBGRAPHS: `first=${other.url},second=${bad.url}`, SUBGRAPH_SECRET: TEST_SUBGRAPH_SECRET });
      expect(await gateway.exited).toBe(1);
      const lines = gateway
        .logs()
        .trim()
        .split('\n')
        .filter((line) => !line.startsWith('{'));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^Composition failed: subgraph "(first|second)": /);
    } finally {
      await bad.stop();
      await other.stop();
    }
  });

  it('reloads the supergraph on SIGHUP and by polling SUBGRAPHS, without a restart', async () => {
    let agency = await startAgencySubgraph();
    const port = Number(new URL(agency.url).port);
    const gateway = spawnGateway({ SUBGRAPHS: `civil_status=${agency.url}`, SUBGRAPH_SECRET: TEST_SUBGRAPH_SECRET, SUPERGRAPH_POLL_SECONDS: '1' });
    try {
      const url = await waitForReady(gateway);
      expect((await graphql(url, '{ registryOffices { name } }')).body.data).toEqual({ registryOffices: [{ name: 'Phòng Tư pháp (test)' }] });
      await agency.stop();
      agency = await startAgencySubgraph({
        port,
        sdl: AGENCY_SDL.replace('type Query { registryOffices', 'type Query { officeCount: Int registryOffices'),
        resolvers: { Query: { officeCount: () => 7, registryOffices: () => [] }, Province: { __resolveReference: () => null } },
      });
      gateway.child.kill('SIGHUP');
      let answer: unknown;
      for (let attempt = 0; attempt < 40 && answer === undefined; attempt += 1) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        answer = (await graphql(url, '{ officeCount }')).body.data?.officeCount;
      }
      expect(answer).toBe(7);
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
    } finally {
      gateway.child.kill('SIGTERM');
      await gateway.exited;
      await agency.stop();
    }
  });

  it('runs one subgraph alone with `npm run subgraph`, refusing to start without SUBGRAPH_SECRET', async () => {
    const refused = spawnGateway({ MONGODB_URI: testDatabaseUri() }, [SUBGRAPH, 'catalogue']);
    expect(await refused.exited).toBe(2);
    expect(refused.logs().trim()).toMatch(/^Invalid configuration: SUBGRAPH_SECRET must be set/);
    const subgraph = spawnGateway({ MONGODB_URI: testDatabaseUri(), MONGODB_DB: `alone_${Date.now()}`, SUBGRAPH_SECRET: TEST_SUBGRAPH_SECRET, PORT: '0' }, [SUBGRAPH, 'catalogue']);
    try {
      const match = await waitForLog(subgraph, /"message":"catalogue subgraph ready".*?"url":"(http:[^"]+)"/);
      const unsigned = await fetch(match, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ _service { sdl } }' }) });
      expect(unsigned.status).toBe(401);
    } finally {
      subgraph.child.kill('SIGTERM');
      await subgraph.exited;
    }
  });
});

async function waitForLog(process: ReturnType<typeof spawnGateway>, pattern: RegExp): Promise<string> {
  for (let attempt = 0; attempt < 600; attempt += 1) {
    const match = pattern.exec(process.logs());
    if (match?.[1]) return match[1];
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no log line matching ${pattern}:\n${process.logs()}`);
}
