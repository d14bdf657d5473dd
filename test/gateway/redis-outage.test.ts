import { sha256 } from '../../src/gateway/edge/persisted';
import { CATALOGUE_VERSION_KEY } from '../../src/platform/catalogue-version';
import { describeWithRedis, eventually, startRedis, type TestRedis } from '../support/redis';
import { bearer, stackPool, type TestStack } from '../support/stack';

const METRICS_TOKEN = 'test-metrics-token-0123456789';
const BUDGET = 5;
const DIRECTIVE = '{ directive(id: "406/qd-ttg") { id title } }';

describeWithRedis('a gateway whose Redis goes away and comes back (real redis-server)', () => {
  jest.setTimeout(90_000);
  const pool = stackPool('redisdown');
  let redis: TestRedis;

  const messages = (stack: TestStack, message: string) => stack.logs.map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => line.message === message);
  const readyz = async (stack: TestStack) => (await fetch(`${stack.url}/readyz`)).json() as Promise<{ status: string; redis?: string }>;
  const metrics = async (stack: TestStack) => (await fetch(`${stack.url}/metrics`, { headers: bearer(METRICS_TOKEN) })).text();
  const budgetOf = async (stack: TestStack, key: string) => {
    const statuses: number[] = [];
    for (let i = 0; i < BUDGET + 3; i += 1) statuses.push((await stack.graphql('{ __typename }', {}, bearer(key))).status);
    return statuses;
  };

  beforeAll(async () => {
    redis = await startRedis();
    await pool.open();
  });
  afterAll(async () => {
    await pool.close();
    await redis?.close();
  });

  it('keeps serving on in-process budgets with the cache bypassed, logs it once, reports it, and uses Redis again when it returns', async () => {
    const t = await pool.start({ REDIS_URL: redis.url, RATE_LIMIT_KEY_PER_MINUTE: String(BUDGET), METRICS_TOKEN });
    await t.graphql(DIRECTIVE);
    expect((await t.graphql(DIRECTIVE)).headers.get('x-cache')).toBe('hit');
    const apq = { extensions: { persistedQuery: { version: 1, sha256Hash: sha256(DIRECTIVE) } } };

    await redis.stop();
    await eventually(async () => (await readyz(t)).redis === 'down', 10_000, 'redis down in /readyz');
    expect(await readyz(t)).toMatchObject({ status: 'degraded', redis: 'down' });
    expect(await metrics(t)).toMatch(/^gateway_redis_up 0$/m);
    // Rate limits fall back to this instance's own budgets: still enforced, at the budget.
    expect(await budgetOf(t, await t.key('analyst'))).toEqual([...Array(BUDGET).fill(200), 429, 429, 429]);
    // The cache is bypassed: answers come from the database, every time.
    const bypassed = async () => Number(/^gateway_response_cache_bypassed_total\{reason="unavailable"\} (\d+)$/m.exec(await metrics(t))?.[1] ?? 0);
    const bypassedBefore = await bypassed();
    for (let i = 0; i < 3; i += 1) {
      const response = await t.graphql(DIRECTIVE);
      expect(response.status).toBe(200);
      expect(response.headers.get('x-cache')).toBe('miss');
      expect(response.body.data?.directive.id).toBe('406/QĐ-TTg');
    }
    expect((await bypassed()) - bypassedBefore).toBe(3);
    // Persisted queries registered meanwhile are kept in the process.
    const post = (body: unknown) =>
      fetch(`${t.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then(
        (r) => r.json() as Promise<{ data?: unknown }>,
      );
    await post({ query: DIRECTIVE, ...apq });
    expect((await post(apq)).data).toEqual({ directive: { id: '406/QĐ-TTg', title: expect.any(String) } });
    // Reconnection keeps failing (about every second) while Redis is away, but the log says it once.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(messages(t, 'redis is unavailable: rate limits fall back to in-process budgets, the response cache is bypassed')).toHaveLength(1);

    await redis.start();
    await eventually(async () => (await readyz(t)).status === 'ready', 15_000, 'ready again');
    expect(await readyz(t)).toMatchObject({ redis: 'up' });
    expect(messages(t, 'redis is available again: shared state in use')).toHaveLength(1);
    expect(await metrics(t)).toMatch(/^gateway_redis_up 1$/m);
    // Writes may have been missed while it was away: the catalogue version moved on.
    expect(Number(await redis.client.get(CATALOGUE_VERSION_KEY))).toBeGreaterThanOrEqual(1);
    expect((await t.graphql(DIRECTIVE)).headers.get('x-cache')).toBe('miss');
    expect((await t.graphql(DIRECTIVE)).headers.get('x-cache')).toBe('hit');
    // Budgets are Redis's again (a fresh key: the bucket is in Redis, not in the process).
    expect(await budgetOf(t, await t.key('analyst'))).toEqual([...Array(BUDGET).fill(200), 429, 429, 429]);
    expect(await redis.client.keys('dvc:rl:key:*')).toHaveLength(1);
  });

  it('starts without Redis (degraded, serving) and switches to it once it answers', async () => {
    await redis.stop();
    const t = await pool.start({ REDIS_URL: redis.url });
    expect(await readyz(t)).toMatchObject({ status: 'degraded', redis: 'down' });
    expect((await t.graphql(DIRECTIVE)).body.data?.directive.id).toBe('406/QĐ-TTg');
    expect(messages(t, 'redis is unavailable: rate limits fall back to in-process budgets, the response cache is bypassed')).toHaveLength(1);
    await redis.start();
    await eventually(async () => (await readyz(t)).status === 'ready', 15_000, 'ready once Redis answers');
    // Every instance that saw the outage bumps the catalogue version as it reconnects (the previous test's
    // gateway too, a moment later), so a response stored just before another bump may miss once.
    await eventually(async () => (await t.graphql(DIRECTIVE)).headers.get('x-cache') === 'hit', 10_000, 'a hit from Redis');
  });

  it('treats a Redis that stops answering as down: requests wait at most REDIS_TIMEOUT_MS, then fall back', async () => {
    const t = await pool.start({ REDIS_URL: redis.url, REDIS_TIMEOUT_MS: '200' });
    await eventually(async () => (await readyz(t)).status === 'ready', 15_000, 'ready');
    redis.pause();
    try {
      const timed = async () => {
        const started = performance.now();
        const response = await t.graphql(DIRECTIVE);
        expect(response.body.data?.directive.id).toBe('406/QĐ-TTg');
        return performance.now() - started;
      };
      // The first request pays the timeouts (rate limit, then the cache lookup) and restarts the connection ...
      expect(await timed()).toBeLessThan(2_000);
      // ... after which Redis counts as down and nothing waits for it.
      await eventually(async () => (await readyz(t)).redis === 'down', 5_000, 'redis down');
      const later = [await timed(), await timed(), await timed()];
      expect(Math.min(...later)).toBeLessThan(200);
    } finally {
      redis.resume();
    }
    await eventually(async () => (await readyz(t)).status === 'ready', 15_000, 'ready again once Redis answers');
  });
});
