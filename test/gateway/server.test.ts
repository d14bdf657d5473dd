import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CommandStartedEvent } from 'mongodb';
import { revokeApiKey } from '../../src/gateway/api-keys';
import { bearer, startTestStack, type TestStack } from '../support/stack';

describe('production mode', () => {
  let t: TestStack;
  beforeAll(async () => {
    // Production refuses the development key that signs the audit trail's checkpoints.
    const signingKey = join(mkdtempSync(join(tmpdir(), 'dvc-production-')), 'audit-signing.pem');
    writeFileSync(signingKey, generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }));
    t = await startTestStack({
      env: { NODE_ENV: 'production', AUDIT_HASH_KEY: 'a'.repeat(32), AUDIT_SIGNING_KEY: signingKey, POPULATION_CLIENT_SECRET: 'not-the-dev-secret' },
      seed: false,
    });
  });
  afterAll(() => t.close());

  it('serves no IDE and no introspection, and no "Did you mean" suggestions', async () => {
    const page = await fetch(`${t.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(page.headers.get('content-type') ?? '').not.toContain('text/html');
    expect(await page.text()).not.toMatch(/cdn|<html/i);
    const introspection = await t.graphql('{ __schema { types { name } } }');
    expect(introspection.body.errors?.[0]?.message).toMatch(/introspection/i);
    const typo = await t.graphql('{ directiv(id: "406/QĐ-TTg") { id } }');
    expect(typo.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(typo.body.errors?.[0]?.message).not.toMatch(/Did you mean/);
  });

  it('answers `_service` to no one but the gateway: a subgraph port reached directly yields 401', async () => {
    const direct = await fetch(t.stack.catalogue.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ _service { sdl } }' }) });
    expect(direct.status).toBe(401);
    const through = await t.graphql('{ _service { sdl } }');
    expect(through.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });
});

describe('the gateway over the seeded catalogue', () => {
  let t: TestStack;
  beforeAll(async () => {
    t = await startTestStack();
  });
  afterAll(() => t.close());

  it('reports health', async () => {
    const result = await t.graphql('{ health { database version } }');
    expect(result.body).toEqual({ data: { health: { database: true, version: expect.any(String) } } });
  });

  it('finds a directive by its number, case- and accent-insensitively', async () => {
    const query = 'query ($id: ID!) { directive(id: $id) { id number kind date inCorpus signer { name } } }';
    const exact = await t.graphql(query, { id: '406/QĐ-TTg' });
    expect(exact.body.data).toEqual({
      directive: { id: '406/QĐ-TTg', number: '406/QĐ-TTg', kind: 'QUYET_DINH', date: '2021-03-22', inCorpus: true, signer: { name: 'Vũ Đức Đam' } },
    });
    expect((await t.graphql(query, { id: '406/qd-ttg' })).body.data).toEqual(exact.body.data);
    expect((await t.graphql(query, { id: '999/QĐ-TTg' })).body).toEqual({ data: { directive: null } });
  });

  it('pages through every directive with stable cursors, newest first', async () => {
    const total = await t.database.collections.directives.countDocuments();
    expect(total).toBeGreaterThan(2);
    const seen: Array<{ id: string; date: string | null }> = [];
    let after: string | null = null;
    type Page = { directives: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: Array<{ id: string; date: string | null }> } };
    for (let page = 0; page < 100; page += 1) {
      const result: { body: { data?: Page | null } } = await t.graphql<{
        directives: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: Array<{ id: string; date: string | null }> };
      }>('query ($after: String) { directives(first: 3, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { id date } } }', { after });
      const connection = result.body.data?.directives;
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
  ])('rejects %s with BAD_USER_INPUT naming the argument', async (query, argumentName) => {
    const result = await t.graphql(query);
    expect(result.body.data).toBeNull();
    expect(result.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentName });
  });

  it('batches lookups of several directives in one operation into one database query', async () => {
    const finds: CommandStartedEvent[] = [];
    const onCommand = (event: CommandStartedEvent): void => void (event.commandName === 'find' && finds.push(event));
    t.stack.catalogue.database.client.on('commandStarted', onCommand);
    const result = await t.graphql('{ a: directive(id: "406/QĐ-TTg") { id } b: directive(id: "1895/vp-hcc") { id } c: directive(id: "nope") { id } }');
    t.stack.catalogue.database.client.off('commandStarted', onCommand);
    expect(result.body.data).toEqual({ a: { id: '406/QĐ-TTg' }, b: { id: '1895/VP-HCC' }, c: null });
    expect(finds).toHaveLength(1);
    expect(finds[0]?.command.filter).toEqual({ idKey: { $in: ['406/qd-ttg', '1895/vp-hcc', 'nope'] } });
  });

  it('serves /healthz, and /readyz listing each subgraph by name with its state', async () => {
    const health = await fetch(`${t.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${t.url}/readyz`);
    expect(ready.status).toBe(200);
    const body = (await ready.json()) as { status: string; subgraphs: Array<{ name: string; state: string }>; supergraph: { lastError: string | null } };
    expect(body.status).toBe('ready');
    expect(body.subgraphs.map(({ name, state }) => ({ name, state }))).toEqual([
      { name: 'catalogue', state: 'up' },
      { name: 'population', state: 'up' },
    ]);
    expect(body.supergraph.lastError).toBeNull();
  });

  it("generates the request id; a caller's own id is kept as its correlation id, never as ours", async () => {
    const response = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'portal-req-123' },
      body: JSON.stringify({ query: '{ directive(id: "2348/vpcp-kstt") { id } }' }),
    });
    expect(response.status).toBe(200);
    const requestId = response.headers.get('x-request-id') ?? '';
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(await response.json()).toEqual({ data: { directive: { id: '2348/VPCP-KSTT' } } });
    const line = t.logs.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.message === 'graphql request' && l.requestId === requestId);
    expect(line).toMatchObject({ correlationId: 'portal-req-123', outcome: 'success' });
    const unsafe = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'bad id<script>' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    const unsafeId = unsafe.headers.get('x-request-id');
    expect(t.logs.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.requestId === unsafeId && l.message === 'graphql request')).toMatchObject({
      correlationId: null,
    });
  });

  it('sends nosniff on every response, and cache-control from the subgraphs: public catalogue, private with a key, no-store for personal data', async () => {
    const anonymous = await t.graphql('{ directive(id: "406/QĐ-TTg") { id } }');
    expect(anonymous.headers.get('x-content-type-options')).toBe('nosniff');
    expect(anonymous.headers.get('cache-control')).toBe('max-age=300, public');
    const key = await t.key('officer');
    expect((await t.graphql('{ directive(id: "406/QĐ-TTg") { id } }', {}, bearer(key))).headers.get('cache-control')).toBe('max-age=300, private');
    const personal = await t.graphql('{ directive(id: "406/QĐ-TTg") { id } auditEntries { totalCount } }', {}, bearer(await t.key('auditor')));
    expect(personal.headers.get('cache-control')).toBe('no-store');
    for (const path of ['/healthz', '/readyz', '/nope']) expect((await fetch(`${t.url}${path}`)).headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('authenticates API keys from Authorization or X-API-Key, and refuses bad ones with 401', async () => {
    const key = await t.key('auditor');
    const post = (headers: Record<string, string>) => t.graphql('{ auditEntries { totalCount } }', {}, headers);
    expect((await post(bearer(key))).body).toEqual({ data: { auditEntries: { totalCount: 0 } } });
    expect((await post({ 'x-api-key': key })).body).toEqual({ data: { auditEntries: { totalCount: 0 } } });
    expect((await post({})).body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const forged = await post(bearer(`${key.slice(0, -2)}xx`));
    expect(forged.status).toBe(401);
    expect(forged.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const revokedId = /^dvc_(k_[0-9a-f]+)_/.exec(key)?.[1] ?? '';
    expect(await revokeApiKey(t.database.db, revokedId)).toBe(true);
    expect((await post(bearer(key))).status).toBe(401);
  });
});
