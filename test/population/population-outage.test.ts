import { ErrorCode } from '../../src/platform/errors';
import { findIds, generateCitizen, sampleCitizenIds } from '../../src/stubs/population/generator';
import type { StubStats } from '../../src/stubs/population/server';
import { bearer, startTestStack, type GraphQLResponse, type TestStack } from '../support/stack';

/**
 * What goes wrong behind the gateway, and what callers see: the audit trail
 * refusing writes, the upstream failing, slow, rate limiting or refusing
 * calls, and finally the population subgraph itself gone. Short timeouts and
 * a small breaker, so failures are quick.
 */

type Body<T> = GraphQLResponse<T>['body'];

interface PopulationReadiness {
  status: string;
  database: boolean;
  upstream: boolean;
  breaker: string;
}

interface GatewayReadiness {
  status: string;
  subgraphs: Array<{ name: string; state: string; detail?: Record<string, unknown> }>;
}

const BREAKER_OPEN_MS = 400;
const CITIZEN = 'query ($id: ID!) { citizen(id: $id, purpose: IDENTITY) { id fullName } directive(id: "206/QĐ-TTg") { id } }';

describe('failures behind the population subgraph', () => {
  let t: TestStack;
  let officer = '';
  let auditor = '';
  const stats = async (): Promise<StubStats> => (await t.stubAdmin('GET', '/admin/stats')) as StubStats;
  const faults = (change: Record<string, unknown>): Promise<unknown> => t.stubAdmin('PUT', '/admin/faults', change);
  const post = async <T = { citizen: { id: string; fullName: string } | null; directive: { id: string } }>(
    query: string,
    variables: Record<string, unknown> = {},
    key = officer,
  ): Promise<Body<T>> => (await t.graphql<T>(query, variables, key ? bearer(key) : {})).body;
  const readiness = async (): Promise<PopulationReadiness> => (await (await fetch(`${t.stack.population.http.url}/readyz`)).json()) as PopulationReadiness;
  const outcomes = async (id: string): Promise<string[]> => {
    const result = await post<{ auditEntries: { nodes: Array<{ outcome: string }> } }>('query ($id: ID) { auditEntries(subjectId: $id) { nodes { outcome } } }', { id }, auditor);
    return result.data?.auditEntries.nodes.map((node) => node.outcome) ?? [];
  };

  /** Waits out an open circuit from an earlier test, then closes it with one good call (the half-open probe). */
  async function closeBreaker(): Promise<void> {
    for (let waited = 0; (await readiness()).breaker === 'open' && waited < BREAKER_OPEN_MS * 3; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
    if ((await readiness()).breaker !== 'closed') await post(CITIZEN, { id: findIds('FOUND', 1, 40)[0] });
    expect((await readiness()).breaker).toBe('closed');
  }

  beforeAll(async () => {
    t = await startTestStack({
      env: { POPULATION_TIMEOUT_MS: '300', POPULATION_RETRIES: '2', POPULATION_BREAKER_THRESHOLD: '3', POPULATION_BREAKER_OPEN_MS: String(BREAKER_OPEN_MS) },
    });
    officer = await t.key('officer');
    auditor = await t.key('auditor');
  });
  afterAll(() => t.close());
  beforeEach(async () => {
    await faults({ mode: 'normal', errorRate: 0, latencyMs: 0, rateLimitPerSecond: 1000 });
    await closeBreaker();
    await t.stubAdmin('POST', '/admin/stats/reset');
  });

  it('withholds the data when the audit trail refuses the write (AUDIT_UNAVAILABLE)', async () => {
    // A real refusal by the database: a unique index that every page of the writer's chain collides with.
    const chain = t.logs.map((line) => JSON.parse(line) as { message: string; chain?: string }).find((line) => line.message === 'audit chain started')?.chain;
    const auditLog = t.database.db.collection<{ _id: string; chain?: string }>('audit_log');
    await auditLog.deleteMany({});
    await auditLog.createIndex({ chain: 1 }, { unique: true, name: 'test_blocks_chain' });
    await auditLog.insertOne({ _id: 'test-blocker', chain });
    const [id = ''] = findIds('FOUND', 1, 41);
    const generated = generateCitizen(id);
    const fullName = generated.status === 'FOUND' ? generated.citizen.fullName : '';
    expect(fullName).not.toBe('');
    try {
      const result = await post(CITIZEN, { id });
      expect(result.data).toEqual({ citizen: null, directive: { id: '206/QĐ-TTg' } });
      expect(result.errors?.map((e) => [e.path?.join('.'), e.extensions?.code, e.message])).toEqual([
        ['citizen', ErrorCode.AUDIT_UNAVAILABLE, 'The lookup could not be recorded in the audit trail, so its data is withheld. Try again shortly.'],
      ]);
      expect(JSON.stringify(result)).not.toContain(fullName);
      // The upstream was asked: the data existed, and was withheld.
      expect((await stats()).byEndpoint['/v1/extract/batch']).toBe(1);
    } finally {
      await auditLog.dropIndex('test_blocks_chain');
      await auditLog.deleteOne({ _id: 'test-blocker' });
    }
    expect((await post(CITIZEN, { id })).data?.citizen).toEqual({ id, fullName });
  });

  it('retries 5xx a bounded number of times, then answers UPSTREAM_UNAVAILABLE for citizen fields only', async () => {
    await faults({ errorRate: 1 });
    const [id = ''] = findIds('FOUND', 1, 42);
    const result = await post(CITIZEN, { id });
    expect(result.data).toEqual({ citizen: null, directive: { id: '206/QĐ-TTg' } });
    expect(result.errors?.map((e) => e.extensions?.code)).toEqual([ErrorCode.UPSTREAM_UNAVAILABLE]);
    expect((await stats()).injectedErrors).toBe(3); // 1 attempt + 2 retries
    expect(await outcomes(id)).toEqual(['UPSTREAM_UNAVAILABLE']);
  });

  it('times out slow calls', async () => {
    await faults({ mode: 'slow', slowMs: 5_000 });
    const started = performance.now();
    const result = await post(CITIZEN, { id: findIds('FOUND', 1, 43)[0] });
    expect(result.errors?.map((e) => e.extensions?.code)).toEqual([ErrorCode.UPSTREAM_UNAVAILABLE]);
    // Three attempts of 300 ms and two backoffs, far below one slow answer.
    expect(performance.now() - started).toBeLessThan(2_500);
  });

  it('opens the circuit after repeated failures, answers at once while open, then half-opens and closes', async () => {
    await faults({ errorRate: 1 });
    const ids = findIds('FOUND', 3, 44);
    await post(CITIZEN, { id: ids[0] }); // three failed attempts: the circuit opens
    expect((await readiness()).breaker).toBe('open');
    const shortCircuited = await post(CITIZEN, { id: ids[1] });
    expect(shortCircuited.errors?.map((e) => [e.extensions?.code, e.message])).toEqual([
      [ErrorCode.UPSTREAM_UNAVAILABLE, 'The National Population Database is unavailable (circuit open); try again shortly.'],
    ]);
    expect((await stats()).requests).toBe(3); // nothing went out
    await faults({ errorRate: 0 });
    await new Promise((resolve) => setTimeout(resolve, BREAKER_OPEN_MS + 50));
    expect((await readiness()).breaker).toBe('half-open');
    expect((await post(CITIZEN, { id: ids[2] })).data?.citizen?.id).toBe(ids[2]);
    expect((await readiness()).breaker).toBe('closed');
  });

  it('honours 429 Retry-After and then succeeds', async () => {
    await faults({ rateLimitPerSecond: 1 });
    const ids = sampleCitizenIds(60, 45); // two batches: the second is rate limited, waits, retries
    const result = await post<{ citizens: unknown[] }>('query ($ids: [ID!]!) { citizens(ids: $ids, purpose: IDENTITY) { id } }', { ids });
    expect(result.errors).toBeUndefined();
    expect(result.data?.citizens).toHaveLength(60);
    const s = await stats();
    expect(s.rateLimited).toBeGreaterThanOrEqual(1);
    expect(s.byEndpoint['/v1/extract/batch']).toBeGreaterThanOrEqual(3);
  });

  it('reports the upstream in /readyz: degraded, not unready, while it is down', async () => {
    const gatewayReadiness = async (): Promise<{ status: number; body: GatewayReadiness }> => {
      const response = await fetch(`${t.url}/readyz`);
      return { status: response.status, body: (await response.json()) as GatewayReadiness };
    };
    expect((await gatewayReadiness()).body.status).toBe('ready');
    await faults({ mode: 'outage' });
    const down = await gatewayReadiness();
    expect(down.status).toBe(200);
    expect(down.body.status).toBe('degraded');
    expect(down.body.subgraphs.find((s) => s.name === 'population')).toMatchObject({ state: 'degraded', detail: { status: 'degraded', database: true, upstream: false } });
    expect(down.body.subgraphs.find((s) => s.name === 'catalogue')?.state).toBe('up');
  });

  it('logs a 4xx from the upstream with its status and error code only, never its body', async () => {
    await faults({ mode: 'reject' }); // the stub answers 400 quoting the request: IDs and names
    const [id = ''] = findIds('FOUND', 1, 46);
    const name = 'Trần Thị Bí Mật';
    const logsBefore = t.logs.length;
    const extract = await t.graphql<{ citizen: null }>(CITIZEN, { id }, bearer(officer));
    const verify = await t.graphql<{ verifyCitizen: null }>(
      'query ($id: ID!, $name: String!) { verifyCitizen(id: $id, fullName: $name, dateOfBirth: "1990-01-01", purpose: IDENTITY) }',
      { id, name },
      bearer(officer),
    );
    for (const response of [extract, verify]) {
      expect(response.body.errors?.map((e) => [e.extensions?.code, e.message])).toEqual([[ErrorCode.INTERNAL_SERVER_ERROR, 'Internal server error']]);
    }
    expect((await stats()).byEndpoint).toEqual({ '/v1/extract/batch': 1, '/v1/verify/batch': 1 }); // a 4xx is not retried
    const logs = t.logs.slice(logsBefore);
    const refusals = logs.filter((line) => line.includes('"message":"population upstream refused a call"')).map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(refusals.map(({ path, status, code, requestId }) => ({ path, status, code, requestId }))).toEqual([
      { path: '/v1/extract/batch', status: 400, code: 'REQUEST_REJECTED', requestId: extract.headers.get('x-request-id') },
      { path: '/v1/verify/batch', status: 400, code: 'REQUEST_REJECTED', requestId: verify.headers.get('x-request-id') },
    ]);
    const text = logs.join('\n');
    for (const body of ['was rejected', name, 'Bí Mật', '"purpose"']) expect(text).not.toContain(body);
    expect(text.match(/(?<![0-9a-f]-)\[12 digits\]/g)).toBeNull();
    expect(JSON.stringify([extract.body, verify.body])).not.toContain(name);
    // The upstream answered, so the circuit stays closed; the audit trail says the upstream refused.
    expect((await readiness()).breaker).toBe('closed');
    expect(await outcomes(id)).toEqual(['UPSTREAM_REFUSED', 'UPSTREAM_REFUSED']);
  });

  // Last: it stops the population subgraph for good.
  it('answers the catalogue part and SUBGRAPH_UNAVAILABLE for citizen fields when the population subgraph is down', async () => {
    await t.stack.population.close();
    const [id = ''] = findIds('FOUND', 1, 47);
    const result = await post<{ directive: { id: string }; citizen: null }>('query ($id: ID!) { directive(id: "406/QĐ-TTg") { id } citizen(id: $id, purpose: IDENTITY) { id } }', {
      id,
    });
    expect(result.data).toEqual({ directive: { id: '406/QĐ-TTg' }, citizen: null });
    expect(result.errors?.map((e) => [e.path?.join('.'), e.extensions?.code, e.extensions?.subgraph])).toEqual([['citizen', ErrorCode.SUBGRAPH_UNAVAILABLE, 'population']]);
    expect(result.errors?.[0]?.message).toBe('The population subgraph is unavailable; its fields are null. Try again shortly.');
    expect(JSON.stringify(result)).not.toContain(id);
    expect(t.logs.join('\n').match(/(?<![0-9a-f]-)\[12 digits\]/g)).toBeNull();

    const ready = await fetch(`${t.url}/readyz`);
    expect(ready.status).toBe(200);
    const body = (await ready.json()) as GatewayReadiness;
    expect(body.status).toBe('degraded');
    expect(body.subgraphs.map((s) => [s.name, s.state])).toEqual([
      ['catalogue', 'up'],
      ['population', 'down'],
    ]);
    // Catalogue callers are served as before, promptly.
    const started = performance.now();
    expect(await post('{ directive(id: "406/QĐ-TTg") { id } }', {}, '')).toEqual({ data: { directive: { id: '406/QĐ-TTg' } } });
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});
