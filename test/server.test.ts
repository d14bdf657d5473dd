import { loadConfig } from '../src/config';
import { MongoClient, type CommandStartedEvent } from 'mongodb';
import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApiKey, revokeApiKey } from '../src/auth/api-keys';
import { silentLogger } from '../src/logger';
import { createServer } from '../src/server';
import { openTestDatabase } from './support/database';
import { startTestGateway, type TestGateway } from './support/gateway';

describe('production mode', () => {
  it('serves no IDE, no landing page and no introspection when turned off', async () => {
    const database = await openTestDatabase('prod');
    const gateway = await createServer({ config: { ...loadConfig({ NODE_ENV: 'production' }), dbRequestTimeoutMs: 2_000 }, database, log: silentLogger });
    const server = createHttpServer(gateway.app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const page = await fetch(`${url}/graphql`, { headers: { accept: 'text/html' } });
      expect(page.headers.get('content-type') ?? '').not.toContain('text/html');
      expect(await page.text()).not.toMatch(/cdn|<html/i);
      const introspection = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ __schema { types { name } } }' }) });
      const body = (await introspection.json()) as { errors?: Array<{ message: string }> };
      expect(body.errors?.[0]?.message).toMatch(/introspection/i);
    } finally {
      await new Promise((resolve) => server.close(resolve));
      await gateway.stop();
      await database.drop();
    }
  });
});

describe('GraphQL server over the seeded catalogue', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway();
  });
  afterAll(() => t.close());

  it('reports health', async () => {
    const result = await t.execute('{ health { database version } }');
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({ health: { database: true, version: expect.any(String) } });
  });

  it('finds a directive by its number, case- and accent-insensitively', async () => {
    const query = 'query ($id: ID!) { directive(id: $id) { id number kind date inCorpus signer { name } } }';
    const exact = await t.execute(query, { id: '406/QĐ-TTg' });
    expect(exact.data).toEqual({
      directive: { id: '406/QĐ-TTg', number: '406/QĐ-TTg', kind: 'QUYET_DINH', date: '2021-03-22', inCorpus: true, signer: { name: 'Vũ Đức Đam' } },
    });
    const folded = await t.execute(query, { id: '406/qd-ttg' });
    expect(folded.data).toEqual(exact.data);
    const missing = await t.execute(query, { id: '999/QĐ-TTg' });
    expect(missing).toEqual({ data: { directive: null } });
  });

  it('pages through every directive with stable cursors, newest first', async () => {
    const total = await t.database.collections.directives.countDocuments();
    expect(total).toBeGreaterThan(2);
    const seen: Array<{ id: string; date: string | null }> = [];
    let after: string | null = null;
    for (let page = 0; page < 100; page += 1) {
      const result: { data?: { directives: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: Array<{ id: string; date: string | null }> } } | null } =
        await t.execute('query ($after: String) { directives(first: 3, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { id date } } }', { after });
      const connection = result.data?.directives;
      if (!connection) throw new Error('no data');
      expect(connection.totalCount).toBe(total);
      seen.push(...connection.nodes);
      if (!connection.pageInfo.hasNextPage) break;
      after = connection.pageInfo.endCursor;
    }
    expect(seen).toHaveLength(total);
    expect(new Set(seen.map((d) => d.id)).size).toBe(total);
    const dates = seen.map((d) => d.date ?? '');
    expect(dates).toEqual([...dates].sort().reverse());
  });

  it.each([
    ['{ directives(after: "garbage") { totalCount } }', 'after'],
    ['{ directives(first: 101) { totalCount } }', 'first'],
    ['{ directives(first: -1) { totalCount } }', 'first'],
  ])('rejects %s with BAD_USER_INPUT', async (query, argumentName) => {
    const result = await t.execute(query);
    expect(result.data).toBeNull();
    expect(result.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', argumentName });
  });

  it('batches lookups of several directives in one operation into one database query', async () => {
    const client = new MongoClient(t.database.uri, { monitorCommands: true });
    const finds: CommandStartedEvent[] = [];
    client.on('commandStarted', (event) => {
      if (event.commandName === 'find') finds.push(event);
    });
    const gateway = await createServer({ config: { ...loadConfig({}), dbRequestTimeoutMs: 2_000 }, database: { client, db: client.db(t.database.name) }, log: silentLogger });
    const response = await gateway.apollo.executeOperation(
      { query: '{ a: directive(id: "406/QĐ-TTg") { id } b: directive(id: "1895/vp-hcc") { id } c: directive(id: "nope") { id } }' },
      { contextValue: gateway.createContext() },
    );
    await gateway.stop();
    await client.close();
    expect(response.body.kind === 'single' && response.body.singleResult.data).toEqual({ a: { id: '406/QĐ-TTg' }, b: { id: '1895/VP-HCC' }, c: null });
    expect(finds).toHaveLength(1);
    expect(finds[0]?.command.filter).toEqual({ idKey: { $in: ['406/qd-ttg', '1895/vp-hcc', 'nope'] } });
  });

  describe('over HTTP', () => {
    let url: string;
    beforeAll(async () => {
      url = await t.listen();
    });

    it('serves /healthz and /readyz', async () => {
      const health = await fetch(`${url}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ status: 'ok' });
      const ready = await fetch(`${url}/readyz`);
      expect(ready.status).toBe(200);
      // No population connector in this gateway: ready for the catalogue, degraded for citizen lookups.
      expect(await ready.json()).toEqual({ status: 'degraded', database: true, population: false, breaker: null });
    });

    it('answers POST /graphql and echoes a safe request id', async () => {
      const response = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-request-id': 'req-123' },
        body: JSON.stringify({ query: '{ directive(id: "2348/vpcp-kstt") { id } }' }),
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('x-request-id')).toBe('req-123');
      expect(await response.json()).toEqual({ data: { directive: { id: '2348/VPCP-KSTT' } } });
    });

    it('authenticates API keys from Authorization or X-API-Key, and refuses bad ones with 401', async () => {
      const { key } = await createApiKey(t.database.db, 'test auditor', 'auditor');
      const post = (headers: Record<string, string>) =>
        fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query: '{ auditEntries { totalCount } }' }) });
      expect(await (await post({ authorization: `Bearer ${key}` })).json()).toEqual({ data: { auditEntries: { totalCount: 0 } } });
      expect(await (await post({ 'x-api-key': key })).json()).toEqual({ data: { auditEntries: { totalCount: 0 } } });
      const anonymous = (await (await post({})).json()) as { errors: Array<{ extensions: { code: string } }> };
      expect(anonymous.errors[0]?.extensions.code).toBe('FORBIDDEN');
      const forged = await post({ authorization: `Bearer ${key.slice(0, -2)}xx` });
      expect(forged.status).toBe(401);
      expect(((await forged.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0]?.extensions.code).toBe('UNAUTHENTICATED');
      const revokedId = /^dvc_(k_[0-9a-f]+)_/.exec(key)?.[1] ?? '';
      expect(await revokeApiKey(t.database.db, revokedId)).toBe(true);
      expect((await post({ authorization: `Bearer ${key}` })).status).toBe(401);
    });

    it('replaces an unsafe request id with a generated one', async () => {
      const response = await fetch(`${url}/healthz`, { headers: { 'x-request-id': 'bad id\u00e9<script>' } });
      expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    });
  });
});
