import { ErrorCode } from '../../src/platform/errors';
import { findIds, sampleCitizenIds } from '../../src/stubs/population/generator';
import type { StubStats } from '../../src/stubs/population/server';
import { auditCollection } from '../../src/subgraphs/population/audit/audit-log';
import { bearer, startTestStack, type GraphQLResponse, type TestStack } from '../support/stack';

/**
 * Attacks on the population subgraph's caps (IDs and verifications per
 * request, verifications per key per hour, upstream calls in flight): each is
 * refused or held cleanly, and the gateway keeps answering other callers.
 * Defaults apply except the hourly verification budget, lowered to 5.
 */

type Body<T> = GraphQLResponse<T>['body'];

const VERIFICATIONS_PER_HOUR = 5;
/** "Promptly": far above what a lone lookup takes on loopback, far below any attack's cost. */
const PROMPT_MS = 1_000;

describe('caps on citizen lookups', () => {
  let t: TestStack;
  const stats = async (): Promise<StubStats> => (await t.stubAdmin('GET', '/admin/stats')) as StubStats;
  const post = async <T>(query: string, variables: Record<string, unknown>, key?: string): Promise<Body<T>> => (await t.graphql<T>(query, variables, key ? bearer(key) : {})).body;

  /** Another caller, with a key of its own, looks a citizen up: it must succeed promptly. */
  async function anotherCallerIsServed(): Promise<void> {
    const [id = ''] = findIds('FOUND', 1, 99);
    const key = await t.key('officer');
    const started = performance.now();
    const result = await post<{ citizen: { id: string } | null }>('query ($id: ID!) { citizen(id: $id, purpose: IDENTITY) { id } }', { id }, key);
    expect(result).toEqual({ data: { citizen: { id } } });
    expect(performance.now() - started).toBeLessThan(PROMPT_MS);
  }

  beforeAll(async () => {
    t = await startTestStack({ env: { CITIZEN_MAX_VERIFICATIONS_PER_KEY_PER_HOUR: String(VERIFICATIONS_PER_HOUR), EXECUTION_TIMEOUT_MS: '2000', POPULATION_TIMEOUT_MS: '5000' } });
  });
  afterAll(() => t.close());
  beforeEach(async () => {
    await t.stubAdmin('PUT', '/admin/faults', { mode: 'normal', latencyMs: 0 });
    await t.stubAdmin('POST', '/admin/stats/reset');
  });

  it('refuses every lookup of a request over 1,000 IDs across fields, aliases and fragments, before any upstream call', async () => {
    const key = await t.key('officer');
    const ids = sampleCitizenIds(1_001, 31);
    const auditBefore = await auditCollection(t.database.db).countDocuments();
    const query = `query ($a: [ID!]!, $b: [ID!]!, $c: ID!) {
      a: citizens(ids: $a, purpose: IDENTITY) { id } ...More directive(id: "406/QĐ-TTg") { id } }
      fragment More on Query { b: citizens(ids: $b, purpose: IDENTITY) { id } c: citizen(id: $c, purpose: IDENTITY) { id } }`;
    const attack = await post<Record<string, unknown>>(query, { a: ids.slice(0, 600), b: ids.slice(600, 1_000), c: ids[1_000] }, key);
    expect(attack.data).toEqual({ a: null, b: null, c: null, directive: { id: '406/QĐ-TTg' } });
    expect(new Set(attack.errors?.map((e) => `${String(e.extensions?.code)}: ${e.message}`))).toEqual(
      new Set([`${ErrorCode.OPERATION_LIMIT_EXCEEDED}: The request looks up 1001 citizen IDs; at most 1000 are allowed per request, across all fields and aliases.`]),
    );
    expect(attack.errors?.map((e) => e.path?.join('.')).sort()).toEqual(['a', 'b', 'c']);
    expect((await stats()).requests).toBe(0);
    expect(await auditCollection(t.database.db).countDocuments()).toBe(auditBefore);
    // Neither the refusal nor the gateway's handling of it logged the IDs (not even masked).
    expect(t.logs.join('\n').match(/(?<![0-9a-f]-)\[12 digits\]/g)).toBeNull();
    await anotherCallerIsServed();

    // At the cap itself, the request goes through.
    const atCap = await post<{ a: unknown[]; c: unknown }>(query, { a: ids.slice(0, 600), b: ids.slice(600, 999), c: ids[1_000] }, key);
    expect(atCap.errors).toBeUndefined();
    expect(atCap.data?.a).toHaveLength(600);
  });

  it('refuses more than 10 verifications in one request, and charges nothing for them', async () => {
    const key = await t.key('officer');
    const [id = ''] = findIds('FOUND', 1, 32);
    const aliases = (count: number): string =>
      Array.from({ length: count }, (_, i) => `v${i}: verifyCitizen(id: $id, fullName: "Nguyễn Văn An", dateOfBirth: "1990-01-01", purpose: IDENTITY)`).join(' ');
    const attack = await post<Record<string, string | null>>(`query ($id: ID!) { ${aliases(11)} }`, { id }, key);
    expect(Object.values(attack.data ?? {})).toEqual(Array.from({ length: 11 }, () => null));
    expect(new Set(attack.errors?.map((e) => `${String(e.extensions?.code)}: ${e.message}`))).toEqual(
      new Set([`${ErrorCode.OPERATION_LIMIT_EXCEEDED}: The request makes 11 verifications; at most 10 are allowed per request.`]),
    );
    expect((await stats()).requests).toBe(0);
    await anotherCallerIsServed();
    // The refused request took nothing from the key's hourly budget.
    const allowed = await post<Record<string, string | null>>(`query ($id: ID!) { ${aliases(VERIFICATIONS_PER_HOUR)} }`, { id }, key);
    expect(allowed.errors).toBeUndefined();
    expect(Object.values(allowed.data ?? {})).toEqual(Array.from({ length: VERIFICATIONS_PER_HOUR }, () => 'NO_MATCH'));
  });

  it('limits each API key to its verifications per hour with RATE_LIMITED, without holding up other keys', async () => {
    const key = await t.key('officer');
    const [id = ''] = findIds('FOUND', 1, 33);
    const verify = 'query ($id: ID!, $name: String!) { verifyCitizen(id: $id, fullName: $name, dateOfBirth: "1990-01-01", purpose: IDENTITY) }';
    for (let i = 0; i < VERIFICATIONS_PER_HOUR; i += 1) {
      expect((await post<{ verifyCitizen: string }>(verify, { id, name: `Nguyễn Văn Đoán ${i}` }, key)).data).toEqual({ verifyCitizen: 'NO_MATCH' });
    }
    const callsBefore = (await stats()).requests;
    const refused = await post<{ verifyCitizen: string | null }>(verify, { id, name: 'Nguyễn Văn Đoán cuối' }, key);
    expect(refused.data).toEqual({ verifyCitizen: null });
    expect(refused.errors?.map((e) => [e.extensions?.code, e.message])).toEqual([
      [ErrorCode.RATE_LIMITED, 'This API key has used its verifications for this hour; try again later.'],
    ]);
    expect((await stats()).requests).toBe(callsBefore);
    // Another key still verifies, promptly.
    const other = await t.key('officer');
    const started = performance.now();
    expect((await post<{ verifyCitizen: string }>(verify, { id, name: 'Nguyễn Văn An' }, other)).data).toEqual({ verifyCitizen: 'NO_MATCH' });
    expect(performance.now() - started).toBeLessThan(PROMPT_MS);
  });

  it('never has more than 8 upstream calls in flight, and gives a freed slot to another key before the attacker’s next batch', async () => {
    const latencyMs = 150;
    await t.stubAdmin('PUT', '/admin/faults', { latencyMs });
    const attacker = await t.key('officer');
    const victim = await t.key('officer');
    const finished: string[] = [];
    const timed = async <T>(name: string, run: () => Promise<T>): Promise<{ result: T; ms: number }> => {
      const started = performance.now();
      const result = await run();
      finished.push(name);
      return { result, ms: performance.now() - started };
    };
    const big = (seed: number) => () =>
      post<{ citizens: unknown[] }>('query ($ids: [ID!]!) { citizens(ids: $ids, purpose: IDENTITY) { id } }', { ids: sampleCitizenIds(1_000, seed) }, attacker);
    // Two requests of 1,000 IDs: 40 batches of 50, five rounds of 8 at the stub.
    const attacks = [timed('attack 1', big(34)), timed('attack 2', big(35))];
    await new Promise((resolve) => setTimeout(resolve, latencyMs / 2));
    const [id = ''] = findIds('FOUND', 1, 36);
    const [victimLookup, catalogue] = await Promise.all([
      timed('victim', () => post<{ citizen: { id: string } }>('query ($id: ID!) { citizen(id: $id, purpose: IDENTITY) { id } }', { id }, victim)),
      timed('catalogue', () => post<{ directive: { id: string } }>('{ directive(id: "406/QĐ-TTg") { id } }', {})),
    ]);
    const [first, second] = await Promise.all(attacks);

    expect(first?.result.errors).toBeUndefined();
    expect(second?.result.data?.citizens).toHaveLength(1_000);
    expect(victimLookup.result.data).toEqual({ citizen: { id } });
    expect(catalogue.result.data).toEqual({ directive: { id: '406/QĐ-TTg' } });
    const s = await stats();
    expect(s.maxInFlight).toBe(8);
    expect(s.byEndpoint['/v1/extract/batch']).toBe(41);
    // The victim's one batch waited for one slot, not for the attacker's 40.
    expect(finished.indexOf('victim')).toBeLessThan(finished.indexOf('attack 1'));
    expect(victimLookup.ms).toBeLessThan(Math.min(first?.ms ?? 0, second?.ms ?? 0));
    expect(catalogue.ms).toBeLessThan(PROMPT_MS);
  });

  it('answers EXECUTION_TIMEOUT when the upstream is slower than the request deadline, and keeps serving', async () => {
    await t.stubAdmin('PUT', '/admin/faults', { mode: 'slow', slowMs: 3_000 });
    const key = await t.key('officer');
    const [id = ''] = findIds('FOUND', 1, 37);
    const started = performance.now();
    const slow = await t.graphql<{ citizen: unknown }>('query ($id: ID!) { citizen(id: $id, purpose: IDENTITY) { id } }', { id }, bearer(key));
    expect(slow.status).toBe(503);
    expect(slow.body.errors?.map((e) => e.extensions?.code)).toEqual([ErrorCode.EXECUTION_TIMEOUT]);
    expect(performance.now() - started).toBeLessThan(2_900);
    await t.stubAdmin('PUT', '/admin/faults', { mode: 'normal' });
    expect(await post('{ directive(id: "406/QĐ-TTg") { id } }', {})).toEqual({ data: { directive: { id: '406/QĐ-TTg' } } });
    await anotherCallerIsServed();
  });
});
