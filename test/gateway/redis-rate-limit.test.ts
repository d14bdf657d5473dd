import { Redis } from 'ioredis';
import { InProcessRateLimitStore, type RateDecision } from '../../src/gateway/rate-limit';
import { RedisRateLimitStore } from '../../src/gateway/shared/rate-limit';
import { describeWithRedis, startRedis, type TestRedis } from '../support/redis';

const MINUTE = 60_000;

describeWithRedis('token buckets in Redis (the Lua script, against a real redis-server)', () => {
  let redis: TestRedis;
  const clients: Redis[] = [];
  const store = (): RedisRateLimitStore => {
    const client = new Redis(redis.url);
    clients.push(client);
    return new RedisRateLimitStore(client);
  };

  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    for (const client of clients) client.disconnect();
    await redis?.close();
  });

  it('decides exactly as the in-process buckets do, take by take and peek by peek, as time passes', async () => {
    const shared = store();
    const local = new InProcessRateLimitStore();
    const t0 = 1_700_000_000_000;
    // Bursts, refills of a fraction of a token, and a long idle spell.
    const steps: Array<[op: 'take' | 'peek', at: number]> = [
      ...Array.from({ length: 8 }, (_, i): ['take', number] => ['take', t0 + i]),
      ['peek', t0 + 10],
      ['take', t0 + 7_000],
      ['take', t0 + 7_500],
      ['peek', t0 + 14_999],
      ['take', t0 + 15_000],
      ['take', t0 + 400_000],
      ...Array.from({ length: 7 }, (_, i): ['take', number] => ['take', t0 + 400_001 + i]),
    ];
    const decisions = async (s: { take: typeof local.take; peek: typeof local.peek }): Promise<RateDecision[]> => {
      const out: RateDecision[] = [];
      for (const [op, at] of steps) out.push(await s[op].call(s, 'key:k_test', 6, MINUTE, at));
      return out;
    };
    const expected = await decisions(local);
    expect(expected.filter((d) => d.allowed).length).toBeGreaterThan(6);
    expect(expected.some((d) => !d.allowed && d.retryAfterMs > 0)).toBe(true);
    expect(await decisions(shared)).toEqual(expected);
  });

  it('never lets two instances take the same token: 60 concurrent takes on three connections, a budget of 10', async () => {
    const instances = [store(), store(), store()];
    const now = Date.now();
    const results = await Promise.all(Array.from({ length: 60 }, (_, i) => (instances[i % 3] as RedisRateLimitStore).take('key:k_race', 10, MINUTE, now)));
    expect(results.filter((r) => r.allowed)).toHaveLength(10);
    expect(results.filter((r) => !r.allowed).every((r) => r.retryAfterMs > 0 && r.retryAfterMs <= 6_000)).toBe(true);
  });

  it('keeps a bucket only until it would be full again, under dvc:rl:', async () => {
    const s = store();
    await s.take('ip:203.0.113.0/24', 600, MINUTE, Date.now());
    const ttl = await redis.client.pttl('dvc:rl:ip:203.0.113.0/24');
    // One token of 600 a minute refills in 100 ms (plus a second's margin).
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(1_100);
    await s.peek('ip:198.51.100.0/24', 600, MINUTE, Date.now());
    expect(await redis.client.exists('dvc:rl:ip:198.51.100.0/24')).toBe(0);
  });
});
