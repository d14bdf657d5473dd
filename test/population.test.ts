import { createServer as createHttpServer } from 'node:http';
import type { GraphQLFormattedError } from 'graphql';
import { createApiKey } from '../src/auth/api-keys';
import { authRules } from '../src/auth/directive';
import { buildSchema } from '../src/schema';
import type { Principal } from '../src/auth/principal';
import { loadConfig } from '../src/config';
import { PopulationClient } from '../src/connectors/population/client';
import { createPopulationLookups } from '../src/connectors/population/lookups';
import { findIds, sampleCitizenIds } from '../src/connectors/population/stub/generator';
import { startPopulationStub } from '../src/connectors/population/stub/server';
import { AuditUnavailableError } from '../src/errors';
import { createLogger } from '../src/logger';
import { createServer, type GatewayServer } from '../src/server';
import { openTestDatabase, type TestDatabase } from './support/database';
import { loadSeedData } from '../seeds/load';

const CLIENT = { id: 'dvc-gateway', secret: 'test-secret' };
const ADMIN = 'test-admin-token';

interface StubStats {
  requests: number;
  byEndpoint: Record<string, number>;
  batchSizes: number[];
  rateLimited: number;
  injectedErrors: number;
}

/** The gateway and the population stub, talking over real HTTP on loopback. */
describe('population connector against the stub upstream', () => {
  let database: TestDatabase;
  let stub: Awaited<ReturnType<typeof startPopulationStub>>;
  let gateway: GatewayServer;
  let client: PopulationClient;
  const logLines: string[] = [];
  const principals: Record<'officer' | 'analyst' | 'auditor', Principal> = {} as never;

  const admin = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    const response = await fetch(`${stub.url}${path}`, { method, headers: { 'x-admin-token': ADMIN, 'content-type': 'application/json' }, body: body ? JSON.stringify(body) : undefined });
    expect(response.ok).toBe(true);
    return response.status === 204 ? undefined : response.json();
  };
  const stats = async () => (await admin('GET', '/admin/stats')) as StubStats;
  const faults = (change: Record<string, unknown>) => admin('PUT', '/admin/faults', change);

  async function run(query: string, principal: Principal | undefined, variables?: Record<string, unknown>) {
    const response = await gateway.apollo.executeOperation({ query, variables }, { contextValue: gateway.createContext(undefined, principal) });
    if (response.body.kind !== 'single') throw new Error('expected a single result');
    return response.body.singleResult as { data?: Record<string, any> | null; errors?: readonly GraphQLFormattedError[] };
  }

  beforeAll(async () => {
    database = await openTestDatabase('population');
    await loadSeedData(database.collections);
    stub = await startPopulationStub({ port: 0, clients: { [CLIENT.id]: CLIENT.secret }, adminToken: ADMIN, latencyMs: 0, jitterMs: 0, rateLimitPerSecond: 1000 });
    const log = createLogger('debug', {}, (line) => logLines.push(line));
    client = new PopulationClient({
      baseUrl: stub.url,
      clientId: CLIENT.id,
      clientSecret: CLIENT.secret,
      timeoutMs: 300,
      retries: 2,
      backoffMs: 10,
      breakerThreshold: 3,
      breakerOpenMs: 400,
      maxRetryAfterMs: 2_000,
      log,
    });
    gateway = await createServer({ config: loadConfig({ AUDIT_HASH_KEY: 'test-audit-key' }), database, log, population: client });
    for (const role of ['officer', 'analyst', 'auditor'] as const) {
      const { id } = await createApiKey(database.db, `test ${role}`, role);
      principals[role] = { role, keyId: id, name: `test ${role}` };
    }
  });
  afterAll(async () => {
    await gateway.stop();
    await stub.close();
    await database.drop();
  });
  beforeEach(async () => {
    await faults({ mode: 'normal', errorRate: 0, latencyMs: 0, jitterMs: 0, rateLimitPerSecond: 1000 });
    await admin('POST', '/admin/stats/reset');
    // Let an open circuit from an earlier test half-open, and close it with a healthy call.
    await new Promise((r) => setTimeout(r, 450));
  });

  it('batches 120 lookups into ceil(unique/50) upstream calls, each ID once', async () => {
    const unique = sampleCitizenIds(100, 7);
    const ids = [...unique, ...unique.slice(0, 20)];
    const result = await run('query ($ids: [ID!]!) { citizens(ids: $ids, purpose: IDENTITY) { id } }', principals.officer, { ids });
    expect(result.errors ?? []).toEqual([]);
    expect(result.data?.citizens).toHaveLength(120);
    const s = await stats();
    expect(s.byEndpoint['/v1/extract/batch']).toBe(2);
    expect([...s.batchSizes].sort((a, b) => b - a)).toEqual([50, 50]);
  });

  it('returns only the fields the purpose covers and links residences to the catalogue', async () => {
    const [id] = findIds('FOUND', 1, 11);
    const result = await run(`query ($id: ID!) { citizen(id: $id, purpose: RESIDENCE_VERIFICATION) {
      id fullName sex religion permanentResidence { addressLine province { id name era } } } }`, principals.officer, { id });
    expect(result.data?.citizen).toMatchObject({ id, fullName: expect.any(String), religion: null, permanentResidence: { province: { era: 'FROM_2025_07' } } });
    expect(result.errors?.map((e) => [e.path?.join('.'), e.extensions?.code])).toEqual([['citizen.religion', 'FORBIDDEN']]);
  });

  it('verifies name and date of birth without disclosing anything else', async () => {
    const [id] = findIds('FOUND', 1, 12);
    const found = await run('query ($id: ID!) { citizen(id: $id, purpose: IDENTITY) { fullName dateOfBirth } }', principals.officer, { id });
    const { fullName, dateOfBirth } = found.data?.citizen;
    const verify = 'query ($id: ID!, $name: String!, $dob: Date!) { verifyCitizen(id: $id, fullName: $name, dateOfBirth: $dob, purpose: IDENTITY) }';
    expect((await run(verify, principals.officer, { id, name: fullName, dob: dateOfBirth })).data).toEqual({ verifyCitizen: 'MATCH' });
    expect((await run(verify, principals.officer, { id, name: 'Nguyễn Văn Không Có', dob: dateOfBirth })).data).toEqual({ verifyCitizen: 'NO_MATCH' });
    const [missing] = findIds('NOT_FOUND', 1, 13);
    expect((await run(verify, principals.officer, { id: missing, name: fullName, dob: dateOfBirth })).data).toEqual({ verifyCitizen: 'NOT_FOUND' });
  });

  it('answers null for an ID with no citizen', async () => {
    const [missing] = findIds('NOT_FOUND', 1, 14);
    expect((await run('query ($id: ID!) { citizen(id: $id, purpose: IDENTITY) { id } }', principals.officer, { id: missing })).data).toEqual({ citizen: null });
  });

  it('refuses callers without the officer role and malformed IDs before any upstream call, leaving no audit entry', async () => {
    const before = await database.collections.auditLog.countDocuments();
    const [id] = findIds('FOUND', 1, 15);
    const query = 'query ($id: ID!) { citizen(id: $id, purpose: IDENTITY) { id } directive(id: "406/QĐ-TTg") { id } }';
    for (const principal of [undefined, principals.analyst]) {
      const result = await run(query, principal, { id });
      expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(result.data?.directive).toEqual({ id: '406/QĐ-TTg' });
    }
    for (const bad of ['12345', '999012345678', '001999123456', 'abcdefghijkl']) {
      const result = await run(query, principals.officer, { id: bad });
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentName: 'id' });
    }
    expect((await stats()).requests).toBe(0);
    expect(await database.collections.auditLog.countDocuments()).toBe(before);
  });

  it('writes an audit entry per lookup, with the ID only as a keyed hash, readable by auditors', async () => {
    const [id] = findIds('FOUND', 1, 16);
    await run('query ($id: ID!) { citizen(id: $id, purpose: CIVIL_STATUS) { id } }', principals.officer, { id });
    const entries = await database.collections.auditLog.find({ requestId: { $exists: true } }).toArray();
    expect(JSON.stringify(entries)).not.toContain(id);
    const query = 'query ($id: ID) { auditEntries(subjectId: $id) { totalCount nodes { operation purpose outcome fields keyId role } } }';
    const forAuditor = await run(query, principals.auditor, { id });
    expect(forAuditor.data?.auditEntries.nodes).toEqual([
      { operation: 'EXTRACT', purpose: 'CIVIL_STATUS', outcome: 'FOUND', fields: expect.arrayContaining(['fullName', 'maritalStatus']), keyId: principals.officer.keyId, role: 'OFFICER' },
    ]);
    expect((await run(query, principals.officer, { id })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('withholds the data when the audit trail cannot be written', async () => {
    const lookups = createPopulationLookups({
      client,
      principal: principals.officer,
      requestId: 'audit-down',
      audit: { hash: () => 'x', record: () => Promise.reject(new AuditUnavailableError()) },
    });
    const [id] = findIds('FOUND', 1, 17);
    await expect(lookups.citizen(id!, 'IDENTITY')).rejects.toMatchObject({ extensions: { code: 'AUDIT_UNAVAILABLE' } });
  });

  it('retries 5xx a bounded number of times, then answers UPSTREAM_UNAVAILABLE for citizen fields only', async () => {
    await faults({ errorRate: 1 });
    const [id] = findIds('FOUND', 1, 18);
    const result = await run('query ($id: ID!) { citizen(id: $id, purpose: IDENTITY) { id } directive(id: "206/QĐ-TTg") { id } }', principals.officer, { id });
    expect(result.data).toEqual({ citizen: null, directive: { id: '206/QĐ-TTg' } });
    expect(result.errors?.map((e) => e.extensions?.code)).toEqual(['UPSTREAM_UNAVAILABLE']);
    expect((await stats()).injectedErrors).toBe(3); // 1 attempt + 2 retries
  });

  it('times out slow calls', async () => {
    await faults({ mode: 'slow', slowMs: 5_000 });
    const started = Date.now();
    const [id] = findIds('FOUND', 1, 19);
    const result = await run('query ($id: ID!) { citizen(id: $id, purpose: IDENTITY) { id } }', principals.officer, { id });
    expect(result.errors?.[0]?.extensions?.code).toBe('UPSTREAM_UNAVAILABLE');
    // Three attempts of 300 ms each, far below one slow answer.
    expect(Date.now() - started).toBeLessThan(4_000);
  });

  it('opens the circuit after repeated failures, then half-opens and closes when the upstream returns', async () => {
    await faults({ mode: 'outage' });
    const ids = findIds('FOUND', 3, 20);
    const query = 'query ($id: ID!) { citizen(id: $id, purpose: IDENTITY) { id } }';
    await run(query, principals.officer, { id: ids[0] }); // 3 failed attempts: the circuit opens
    expect(client.breaker.state).toBe('open');
    const calls = (await stats()).requests;
    const shortCircuited = await run(query, principals.officer, { id: ids[1] });
    expect(shortCircuited.errors?.[0]?.extensions?.code).toBe('UPSTREAM_UNAVAILABLE');
    expect((await stats()).requests).toBe(calls); // nothing went out
    await faults({ mode: 'normal' });
    await new Promise((r) => setTimeout(r, 450));
    expect(client.breaker.state).toBe('half-open');
    expect((await run(query, principals.officer, { id: ids[2] })).data).toEqual({ citizen: { id: ids[2] } });
    expect(client.breaker.state).toBe('closed');
  });

  it('honours 429 Retry-After and then succeeds', async () => {
    await faults({ rateLimitPerSecond: 1 });
    const ids = sampleCitizenIds(60, 21); // two batches: the second is rate limited, waits, retries
    const result = await run('query ($ids: [ID!]!) { citizens(ids: $ids, purpose: IDENTITY) { id } }', principals.officer, { ids });
    expect(result.errors ?? []).toEqual([]);
    const s = await stats();
    expect(s.rateLimited).toBeGreaterThanOrEqual(1);
    expect(s.byEndpoint['/v1/extract/batch']).toBeGreaterThanOrEqual(3);
  });

  it('reports the upstream in /readyz: degraded, not unready, while it is down', async () => {
    const server = createHttpServer(gateway.app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    try {
      expect(await (await fetch(`http://127.0.0.1:${port}/readyz`)).json()).toMatchObject({ status: 'ready', database: true, population: true });
      await faults({ mode: 'outage' });
      const down = await fetch(`http://127.0.0.1:${port}/readyz`);
      expect(down.status).toBe(200);
      expect(await down.json()).toMatchObject({ status: 'degraded', database: true, population: false });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('declares field-level authorisation in the schema, enforced in one place', () => {
    const rules = authRules(buildSchema());
    expect(Object.fromEntries([...rules].map(([field, roles]) => [field, [...roles].sort()]))).toEqual({
      'Query.citizen': ['admin', 'officer'],
      'Query.citizens': ['admin', 'officer'],
      'Query.verifyCitizen': ['admin', 'officer'],
      'Query.auditEntries': ['admin', 'auditor'],
    });
  });

  it('exposes Prometheus metrics: requests by operation and outcome, latency, database commands, upstream calls, breaker state', async () => {
    const [id] = findIds('FOUND', 1, 23);
    await run('query CitizenForMetrics($id: ID!) { citizen(id: $id, purpose: IDENTITY) { id } }', principals.officer, { id });
    const server = createHttpServer(gateway.app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const response = await fetch(`http://127.0.0.1:${(server.address() as { port: number }).port}/metrics`);
      const text = await response.text();
      expect(response.headers.get('content-type')).toContain('text/plain');
      expect(text).toMatch(/gateway_graphql_requests_total\{operation="CitizenForMetrics",outcome="success"\} 1/);
      expect(text).toMatch(/gateway_graphql_request_duration_seconds_count\{operation="CitizenForMetrics"\} 1/);
      expect(text).toMatch(/gateway_database_commands_total\{command="(find|insert)"\} \d+/);
      expect(text).toMatch(/gateway_population_calls_total\{path="\/v1\/extract\/batch",status="200"\} \d+/);
      expect(text).toMatch(/gateway_population_breaker_state [012]/);
      expect(text).not.toContain(id);
      expect(logLines.some((line) => line.includes('"message":"graphql request"') && line.includes('"operation":"CitizenForMetrics"'))).toBe(true);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('answers EXECUTION_TIMEOUT when a request outlives its deadline, and keeps serving', async () => {
    const quick = await createServer({ config: loadConfig({ AUDIT_HASH_KEY: 'test-audit-key', EXECUTION_TIMEOUT_MS: '200', POPULATION_TIMEOUT_MS: '5000' }), database, log: createLogger('error', {}, (line) => logLines.push(line)), population: new PopulationClient({ baseUrl: stub.url, clientId: CLIENT.id, clientSecret: CLIENT.secret, timeoutMs: 5_000, retries: 0, backoffMs: 10, breakerThreshold: 3, breakerOpenMs: 400, maxRetryAfterMs: 1_000, log: createLogger('error', {}, () => undefined) }) });
    const server = createHttpServer(quick.app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { key } = await createApiKey(database.db, 'timeout test', 'officer');
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/graphql`;
    const post = (query: string, variables?: Record<string, unknown>) =>
      fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: JSON.stringify({ query, variables }) });
    try {
      await faults({ mode: 'slow', slowMs: 1_000 });
      const [id] = findIds('FOUND', 1, 24);
      const slow = await post('query ($id: ID!) { citizen(id: $id, purpose: IDENTITY) { id } }', { id });
      expect(slow.status).toBe(503);
      expect(((await slow.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0]?.extensions.code).toBe('EXECUTION_TIMEOUT');
      await faults({ mode: 'normal' });
      await new Promise((r) => setTimeout(r, 1_200)); // the abandoned execution finishes in the background
      expect(await (await post('{ directive(id: "406/QĐ-TTg") { id } }')).json()).toEqual({ data: { directive: { id: '406/QĐ-TTg' } } });
    } finally {
      await new Promise((resolve) => server.close(resolve));
      await quick.stop();
    }
  });

  it('never logs personal data', async () => {
    const [id] = findIds('FOUND', 1, 22);
    const result = await run('query ($id: ID!) { citizen(id: $id, purpose: IDENTITY) { fullName } }', principals.officer, { id });
    const name = result.data?.citizen.fullName as string;
    expect(logLines.join('\n')).not.toContain(id);
    expect(logLines.join('\n')).not.toContain(name);
  });
});
