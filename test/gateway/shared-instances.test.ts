import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { sha256 } from '../../src/gateway/edge/persisted';
import { loadSeedData } from '../../src/subgraphs/catalogue/seed/load';
import { openTestDatabase, type TestDatabase } from '../support/database';
import { describeWithRedis, eventually, startRedis, type TestRedis } from '../support/redis';
import { bearer, startTestStack, type TestStack } from '../support/stack';

/** `npm run seed` as built (`npm test` builds before jest). */
const SEED = resolve(__dirname, '..', '..', 'dist', 'src', 'scripts', 'seed.js');
const BUDGET = 10;
const DIRECTIVE = '{ directive(id: "406/qd-ttg") { id title milestones { item } } }';

/**
 * Issue #13's scenario: two gateway instances over one Redis and one
 * database, as behind a load balancer. Both share a key's budget, automatic
 * persisted queries and the response cache; `npm run seed` invalidates the
 * cache; Redis stopped mid-run leaves both answering, and restarted, shared again.
 */
describeWithRedis('two gateway instances sharing one Redis', () => {
  jest.setTimeout(120_000);
  let redis: TestRedis;
  let database: TestDatabase;
  let a: TestStack;
  let b: TestStack;

  const post = (stack: TestStack, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${stack.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...headers },
      body: JSON.stringify(body),
    }).then(async (r) => ({
      status: r.status,
      xCache: r.headers.get('x-cache'),
      body: (await r.json()) as { data?: Record<string, any> | null; errors?: Array<{ extensions?: { code?: string } }> },
    }));
  /** `count` requests of one key, alternating between A and B; how many were let through. */
  const spread = async (key: string, count: number): Promise<{ allowed: number; refused: number }> => {
    let allowed = 0;
    let refused = 0;
    for (let i = 0; i < count; i += 1) {
      const response = await post(i % 2 === 0 ? a : b, { query: '{ __typename }' }, bearer(key));
      if (response.status === 200) allowed += 1;
      else if (response.status === 429 && response.body.errors?.[0]?.extensions?.code === 'RATE_LIMITED') refused += 1;
    }
    return { allowed, refused };
  };
  const readyz = async (stack: TestStack) => (await fetch(`${stack.url}/readyz`)).json() as Promise<{ status: string; redis?: string }>;
  const apqRoundTrip = async (register: TestStack, serve: TestStack, query: string) => {
    const hash = { extensions: { persistedQuery: { version: 1, sha256Hash: sha256(query) } } };
    expect((await post(serve, hash)).body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    expect((await post(register, { query, ...hash })).status).toBe(200);
    return post(serve, hash);
  };

  beforeAll(async () => {
    redis = await startRedis();
    database = await openTestDatabase('shared');
    await loadSeedData(database.collections);
    const env = { REDIS_URL: redis.url, RATE_LIMIT_KEY_PER_MINUTE: String(BUDGET) };
    a = await startTestStack({ database, env });
    b = await startTestStack({ database, env });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await database?.drop();
    await redis?.close();
  });

  it('share budgets, persisted queries and cached responses; npm run seed invalidates; a Redis outage leaves both serving, and its return makes them share again', async () => {
    // A key's budget holds across both: refused at the budget, not at twice it.
    const key = await a.key('analyst');
    expect(await spread(key, 3 * BUDGET)).toEqual({ allowed: BUDGET, refused: 2 * BUDGET });

    // An APQ hash registered through A is served by B.
    const viaB = await apqRoundTrip(a, b, '{ directives { totalCount } }');
    expect(viaB.body.data?.directives.totalCount).toBeGreaterThan(0);

    // A response cached through A is a hit on B.
    const first = await post(a, { query: DIRECTIVE });
    expect(first.xCache).toBe('miss');
    const onB = await post(b, { query: DIRECTIVE });
    expect(onB.xCache).toBe('hit');
    expect(onB.body).toEqual(first.body);

    // `npm run seed` (the built script, over the same database and Redis) makes it a miss on both.
    await promisify(execFile)(process.execPath, [SEED], {
      env: { PATH: process.env.PATH ?? '', MONGODB_URI: database.uri, MONGODB_DB: database.name, REDIS_URL: redis.url, LOG_LEVEL: 'error' },
    });
    expect((await post(b, { query: DIRECTIVE })).xCache).toBe('miss');
    expect((await post(a, { query: DIRECTIVE })).xCache).toBe('hit');

    // Redis stopped mid-run: both keep answering, from the database, and say so in /readyz.
    await redis.stop();
    for (const stack of [a, b]) {
      await eventually(async () => (await readyz(stack)).redis === 'down', 10_000, 'readyz to report redis down');
      expect(await readyz(stack)).toMatchObject({ status: 'degraded', redis: 'down' });
      const response = await post(stack, { query: DIRECTIVE });
      expect(response.status).toBe(200);
      expect(response.xCache).toBe('miss');
      expect(response.body).toEqual(first.body);
    }

    // Redis restarted: both use it again, without a restart of theirs, and share again.
    await redis.start();
    for (const stack of [a, b]) await eventually(async () => (await readyz(stack)).status === 'ready', 15_000, 'readyz to be ready again');
    expect(await spread(await b.key('analyst'), 3 * BUDGET)).toEqual({ allowed: BUDGET, refused: 2 * BUDGET });
    expect((await apqRoundTrip(b, a, '{ agencies { totalCount } }')).body.data?.agencies.totalCount).toBeGreaterThan(0);
    expect((await post(b, { query: DIRECTIVE })).xCache).toBe('miss');
    expect((await post(a, { query: DIRECTIVE })).xCache).toBe('hit');
  });
});
