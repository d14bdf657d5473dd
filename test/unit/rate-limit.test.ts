import { InProcessRateLimitStore } from '../../src/gateway/rate-limit';
import { clientAddress, logNetwork, rateLimitNetwork } from '../../src/platform/http/address';

describe('token buckets', () => {
  it('allow the budget, then refuse with the time until one token is back, and refill over the window', async () => {
    const store = new InProcessRateLimitStore();
    const take = (now: number) => store.take('k', 3, 60_000, now);
    expect([(await take(0)).allowed, (await take(0)).allowed, (await take(0)).allowed]).toEqual([true, true, true]);
    expect(await take(0)).toEqual({ allowed: false, retryAfterMs: 20_000 });
    expect((await store.peek('k', 3, 60_000, 10_000)).allowed).toBe(false);
    expect((await take(20_000)).allowed).toBe(true);
    expect((await take(20_000)).allowed).toBe(false);
  });

  it('peek does not spend', async () => {
    const store = new InProcessRateLimitStore();
    for (let i = 0; i < 10; i += 1) expect((await store.peek('k', 1, 60_000, 0)).allowed).toBe(true);
    expect((await store.take('k', 1, 60_000, 0)).allowed).toBe(true);
    expect((await store.peek('k', 1, 60_000, 0)).allowed).toBe(false);
  });
});

describe('caller addresses', () => {
  it('reads X-Forwarded-For only through the trusted hops, from the right', () => {
    expect(clientAddress('10.0.0.5', '203.0.113.9', 0)).toBe('10.0.0.5');
    expect(clientAddress('10.0.0.5', '203.0.113.9', 1)).toBe('203.0.113.9');
    expect(clientAddress('10.0.0.5', '198.51.100.1, 203.0.113.9', 1)).toBe('203.0.113.9');
    expect(clientAddress('10.0.0.5', '198.51.100.1, 203.0.113.9', 2)).toBe('198.51.100.1');
    expect(clientAddress('10.0.0.5', 'not-an-address', 1)).toBe('10.0.0.5');
    expect(clientAddress('::ffff:127.0.0.1', undefined, 0)).toBe('127.0.0.1');
  });

  it('counts IPv6 callers by their /64 and logs networks, not addresses', () => {
    expect(rateLimitNetwork('2001:db8:1:2::1')).toBe('2001:0db8:0001:0002::/64');
    expect(rateLimitNetwork('2001:db8:1:2:ffff:ffff:ffff:ffff')).toBe('2001:0db8:0001:0002::/64');
    expect(rateLimitNetwork('2001:db8:1:3::1')).not.toBe(rateLimitNetwork('2001:db8:1:2::1'));
    expect(rateLimitNetwork('::1')).toBe('0000:0000:0000:0000::/64');
    expect(rateLimitNetwork('203.0.113.9')).toBe('203.0.113.9');
    expect(logNetwork('203.0.113.9')).toBe('203.0.113.0/24');
    expect(logNetwork('2001:db8:1:2::1')).toBe('2001:0db8:0001:0002::/64');
  });
});
