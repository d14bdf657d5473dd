import { CATALOGUE_VERSION_KEY, CatalogueVersionError, redisCatalogueVersion } from '../../src/platform/catalogue-version';
import { loadSeedData } from '../../src/subgraphs/catalogue/seed/load';
import { describeWithRedis, startRedis, type TestRedis } from '../support/redis';
import type { TestDatabase } from '../support/database';
import { bearer, stackPool, type TestStack } from '../support/stack';

const METRICS_TOKEN = 'test-metrics-token-0123456789';
const DIRECTIVE = 'query DirectivePage($id: ID!) { directive(id: $id) { id title milestones { item } } }';
const CITIZEN = '{ citizen(id: "001099012345", purpose: IDENTITY) { fullName } }';

describeWithRedis('the response cache of the public catalogue (real Redis)', () => {
  jest.setTimeout(60_000);
  const pool = stackPool('rcache');
  let redis: TestRedis;
  let database: TestDatabase;
  let t: TestStack;

  const cacheKeys = () => redis.client.keys('dvc:rc:*');
  const metrics = async (stack: TestStack) => (await fetch(`${stack.url}/metrics`, { headers: bearer(METRICS_TOKEN) })).text();
  const metric = (text: string, name: string): number => Number(new RegExp(`^${name.replace(/[{}]/g, '\\$&')} (\\d+)`, 'm').exec(text)?.[1] ?? NaN);
  const directive = (stack: TestStack, headers: Record<string, string> = {}, id = '406/qd-ttg') => stack.graphql(DIRECTIVE, { id }, headers);

  beforeAll(async () => {
    redis = await startRedis();
    database = await pool.open();
    t = await pool.start({ REDIS_URL: redis.url, METRICS_TOKEN });
  });
  afterAll(async () => {
    await pool.close();
    await redis?.close();
  });
  beforeEach(async () => {
    await redis.client.flushall();
  });

  it('answers a repeated catalogue operation from Redis: x-cache miss then hit, the same body, counted in /metrics', async () => {
    const before = await metrics(t);
    const first = await directive(t);
    expect(first.status).toBe(200);
    expect(first.headers.get('x-cache')).toBe('miss');
    expect(first.body.data?.directive.id).toBe('406/QĐ-TTg');
    const second = await directive(t);
    expect(second.headers.get('x-cache')).toBe('hit');
    expect(second.body).toEqual(first.body);
    // Other variables are another response.
    expect((await directive(t, {}, '2348/vpcp-kstt')).headers.get('x-cache')).toBe('miss');
    const after = await metrics(t);
    expect(metric(after, 'gateway_response_cache_lookups_total{result="hit"}') - (metric(before, 'gateway_response_cache_lookups_total{result="hit"}') || 0)).toBe(1);
    expect(metric(after, 'gateway_response_cache_lookups_total{result="miss"}') - (metric(before, 'gateway_response_cache_lookups_total{result="miss"}') || 0)).toBe(2);
    expect(metric(after, 'gateway_response_cache_stores_total')).toBeGreaterThanOrEqual(2);
    expect(after).toMatch(/^gateway_redis_up 1$/m);
    // A hit is still an executed request of its operation, for metrics and the access log.
    expect(after).toMatch(/gateway_requests_total\{operation="DirectivePage",outcome="success"\} [3-9]/);
  });

  it('keeps a response for the max-age the subgraphs give, and answers a hit with what remains of it', async () => {
    await directive(t);
    const [key] = await cacheKeys();
    const ttl = await redis.client.pttl(key as string);
    expect(ttl).toBeGreaterThan(290_000);
    expect(ttl).toBeLessThanOrEqual(300_000);
    const hit = await directive(t);
    expect(hit.headers.get('x-cache')).toBe('hit');
    expect(hit.headers.get('cache-control')).toMatch(/^max-age=(29\d|300), public$/);

    // A catalogue that says max-age=2: kept two seconds, then computed again.
    const short = await pool.start({ REDIS_URL: redis.url, CACHE_MAX_AGE_SECONDS: '2' });
    await redis.client.flushall();
    expect((await directive(short)).headers.get('x-cache')).toBe('miss');
    const [shortKey] = await cacheKeys();
    expect(await redis.client.pttl(shortKey as string)).toBeLessThanOrEqual(2_000);
    const soon = await directive(short);
    expect(soon.headers.get('x-cache')).toBe('hit');
    expect(soon.headers.get('cache-control')).toBe('max-age=1, public');
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    expect((await directive(short)).headers.get('x-cache')).toBe('miss');
  });

  it('never stores personal data, no-store or max-age 0 responses, or responses with errors', async () => {
    const officer = bearer(await t.key('officer'));
    const auditor = bearer(await t.key('auditor'));
    const uncached = [
      { query: CITIZEN, headers: officer },
      { query: `{ directive(id: "406/qd-ttg") { id } ${CITIZEN.slice(1, -1)} }`, headers: officer },
      { query: '{ auditEntries { totalCount } }', headers: auditor },
      { query: '{ health { database } }', headers: {} },
      { query: '{ directives(after: "not-a-cursor") { totalCount } }', headers: {} },
    ];
    const before = await metrics(t);
    for (const { query, headers } of uncached) {
      for (let i = 0; i < 2; i += 1) {
        const response = await t.graphql(query, {}, headers);
        expect(response.headers.get('x-cache')).toBe('miss');
      }
    }
    expect(await cacheKeys()).toEqual([]);
    const after = await metrics(t);
    // The three personal operations are not even looked up: nothing about them is hashed into a key.
    expect(metric(after, 'gateway_response_cache_bypassed_total{reason="personal"}') - (metric(before, 'gateway_response_cache_bypassed_total{reason="personal"}') || 0)).toBe(6);
    expect((await t.graphql(CITIZEN, {}, officer)).body.data?.citizen.fullName).toEqual(expect.any(String));
  });

  it('keys by role: another key of the same role hits, another role or an anonymous caller does not', async () => {
    const analystA = bearer(await t.key('analyst'));
    const analystB = bearer(await t.key('analyst'));
    const officer = bearer(await t.key('officer'));
    expect((await directive(t, analystA)).headers.get('x-cache')).toBe('miss');
    const shared = await directive(t, analystB);
    expect(shared.headers.get('x-cache')).toBe('hit');
    // A keyed caller's response stays private, hit or not.
    expect(shared.headers.get('cache-control')).toMatch(/^max-age=\d+, private$/);
    expect((await directive(t, officer)).headers.get('x-cache')).toBe('miss');
    expect((await directive(t)).headers.get('x-cache')).toBe('miss');
    expect((await directive(t)).headers.get('cache-control')).toMatch(/^max-age=\d+, public$/);
    expect(await cacheKeys()).toHaveLength(3);
  });

  it('is invalidated at once by a write to the catalogue (the seed loader bumps the catalogue version)', async () => {
    await directive(t);
    expect((await directive(t)).headers.get('x-cache')).toBe('hit');
    await loadSeedData(database.collections, undefined, redisCatalogueVersion({ url: redis.url, timeoutMs: 1_000 }));
    expect(await redis.client.get(CATALOGUE_VERSION_KEY)).toBe('1');
    expect((await directive(t)).headers.get('x-cache')).toBe('miss');
    expect((await directive(t)).headers.get('x-cache')).toBe('hit');
  });

  it('leaves CSV exports out: their check and their pages are neither served from nor stored in the cache', async () => {
    const query = 'query ($after: String, $first: Int) { directives(first: $first, after: $after) { nodes { id title } pageInfo { hasNextPage endCursor } } }';
    const exportCsv = () =>
      fetch(`${t.url}/graphql/export.csv`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, path: 'directives' }) });
    const first = await exportCsv();
    expect(first.status).toBe(200);
    const csv = await first.text();
    expect(csv).toContain('406/QĐ-TTg');
    expect(await cacheKeys()).toEqual([]);
    expect(await (await exportCsv()).text()).toBe(csv);
    expect(await cacheKeys()).toEqual([]);
  });

  it('tells a writer when Redis did not take the new catalogue version (npm run seed then exits 1)', async () => {
    const unreachable = redisCatalogueVersion({ url: 'redis://127.0.0.1:1', timeoutMs: 200 });
    await expect(unreachable.bump()).rejects.toThrow(CatalogueVersionError);
    await expect(unreachable.bump()).rejects.toThrow(/may serve responses cached before the write/);
  });

  it('is off with RESPONSE_CACHE_ENABLED=false, and absent without REDIS_URL', async () => {
    const off = await pool.start({ REDIS_URL: redis.url, RESPONSE_CACHE_ENABLED: 'false' });
    await directive(off);
    const again = await directive(off);
    expect(again.headers.get('x-cache')).toBeNull();
    expect(await cacheKeys()).toEqual([]);
    const without = await pool.start();
    await directive(without);
    expect((await directive(without)).headers.get('x-cache')).toBeNull();
  });
});
