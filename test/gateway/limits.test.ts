import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { bearer, stackPool, type TestStack } from '../support/stack';

const METRICS_TOKEN = 'test-metrics-token-0123456789';

/** Hostile and heavy requests against gateways with their default limits, over HTTP. */
describe('operation limits, rate limits and CORS', () => {
  const pool = stackPool('limits');
  beforeAll(async () => {
    await pool.open();
  });
  afterAll(() => pool.close());

  const post = (t: TestStack, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const codeOf = async (response: Response) => ((await response.json()) as { errors?: Array<{ extensions?: { code?: string } }> }).errors?.[0]?.extensions?.code;
  const metrics = async (t: TestStack) => (await fetch(`${t.url}/metrics`, { headers: bearer(METRICS_TOKEN) })).text();
  /** Answers promptly while an attack is refused: the process is not blocked. */
  const stillServes = async (t: TestStack) => {
    const started = performance.now();
    expect(await (await post(t, { query: '{ directive(id: "206/qd-ttg") { id } }' }, { 'x-forwarded-for': '198.51.100.200' })).json()).toEqual({
      data: { directive: { id: '206/QĐ-TTg' } },
    });
    expect(performance.now() - started).toBeLessThan(2_000);
  };

  it('rejects hostile operations with a code, and keeps serving', async () => {
    const t = await pool.start();
    let deep = 'id';
    for (let i = 0; i < 10; i += 1) deep = `milestones { directive { ${deep} } }`;
    const hostile: Array<[string, unknown]> = [
      ['too deep', { query: `{ directive(id: "406/QĐ-TTg") { ${deep} } }` }],
      ['alias bomb', { query: `{ ${Array.from({ length: 500 }, (_, i) => `a${i}: health { database }`).join(' ')} }` }],
      ['too many tokens', { query: `{ directives(first: 1) { nodes { ${'id '.repeat(4_000)} } } }` }],
      [
        'nested fragments',
        {
          query: `query { directive(id: "406/QĐ-TTg") { ...F0 } } ${Array.from({ length: 20 }, (_, i) => `fragment F${i} on Directive { milestones { directive { ${i < 19 ? `...F${i + 1}` : 'id'} } } }`).join(' ')}`,
        },
      ],
    ];
    for (const [what, body] of hostile) {
      const response = await post(t, body);
      expect([what, response.status, await codeOf(response)]).toEqual([what, 400, 'OPERATION_LIMIT_EXCEEDED']);
    }
    // Clients that accept only the legacy application/json get the same error with 200, as GraphQL over HTTP recommends.
    const legacy = await post(t, hostile[0]?.[1], { accept: 'application/json' });
    expect([legacy.status, await codeOf(legacy)]).toEqual([200, 'OPERATION_LIMIT_EXCEEDED']);
    const big = await post(t, JSON.stringify({ query: `{ health { database } } #${'x'.repeat(10 * 1024 * 1024)}` }));
    expect([big.status, await codeOf(big)]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
    const batch = await post(
      t,
      Array.from({ length: 1_000 }, () => ({ query: '{ health { database } }' })),
    );
    expect(batch.status).toBe(400);
    const malformed = await post(t, '{"query": ');
    expect([malformed.status, await codeOf(malformed)]).toEqual([400, 'BAD_REQUEST']);
    await stillServes(t);
  });

  it('lets every ready-made example through the default limits', async () => {
    const t = await pool.start();
    const dir = resolve(__dirname, '..', '..', 'schema', 'examples');
    for (const file of readdirSync(dir)) {
      const response = await post(t, { query: readFileSync(join(dir, file), 'utf8') });
      expect([file, response.status]).toEqual([file, 200]);
    }
  });

  it('limits anonymous callers per address with 429 and Retry-After', async () => {
    const t = await pool.start({ RATE_LIMIT_ANONYMOUS_PER_MINUTE: '3', METRICS_TOKEN });
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 5; i += 1) {
      const response = await post(t, { query: '{ health { database } }' });
      statuses.push(response.status);
      if (response.status === 429) {
        retryAfter = response.headers.get('retry-after');
        expect(await codeOf(response)).toBe('RATE_LIMITED');
      } else await response.text();
    }
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    expect(await metrics(t)).toMatch(/gateway_rate_limit_rejections_total\{reason="anonymous"\} 2/);
  });

  it('gives each API key its own budget, separate from anonymous callers', async () => {
    const t = await pool.start({ RATE_LIMIT_KEY_PER_MINUTE: '2', RATE_LIMIT_ANONYMOUS_PER_MINUTE: '100', METRICS_TOKEN });
    const first = await t.key('analyst');
    const second = await t.key('analyst');
    const statusFor = async (key?: string) => (await post(t, { query: '{ health { database } }' }, key ? bearer(key) : {})).status;
    expect([await statusFor(first), await statusFor(first), await statusFor(first)]).toEqual([200, 200, 429]);
    expect(await statusFor(second)).toBe(200);
    expect(await statusFor()).toBe(200);
    expect(await metrics(t)).toMatch(/gateway_rate_limit_rejections_total\{reason="key"\} 1/);
  });

  it("charges a key's budget only once it verifies: a forged key with a real key's id cannot spend it", async () => {
    const t = await pool.start({ RATE_LIMIT_KEY_PER_MINUTE: '3', RATE_LIMIT_FAILED_AUTH_PER_MINUTE: '1000', RATE_LIMIT_ANONYMOUS_PER_MINUTE: '1000' });
    const real = await t.key('analyst');
    const keyId = /^dvc_(k_[0-9a-f]{16})_/.exec(real)?.[1] as string;
    for (let i = 0; i < 10; i += 1) expect((await post(t, { query: '{ health { database } }' }, bearer(`dvc_${keyId}_${'x'.repeat(43)}`))).status).toBe(401);
    // The real key still has its whole budget.
    const statuses = [];
    for (let i = 0; i < 3; i += 1) statuses.push((await post(t, { query: '{ health { database } }' }, bearer(real))).status);
    expect(statuses).toEqual([200, 200, 200]);
  });

  it('limits, counts and logs failed authentications per network, without reading the database once over the limit', async () => {
    const t = await pool.start({ RATE_LIMIT_FAILED_AUTH_PER_MINUTE: '3', METRICS_TOKEN });
    const forged = bearer(`dvc_k_0123456789abcdef_${'y'.repeat(43)}`);
    const statuses: number[] = [];
    for (let i = 0; i < 5; i += 1) statuses.push((await post(t, { query: '{ health { database } }' }, forged)).status);
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
    const text = await metrics(t);
    expect(text).toMatch(/gateway_authentication_failures_total 3/);
    expect(text).toMatch(/gateway_rate_limit_rejections_total\{reason="failed_auth"\} 2/);
    const failures = t.logs.map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => line.message === 'authentication failed');
    expect(failures).toHaveLength(3);
    expect(failures[0]).toMatchObject({ network: '127.0.0.0/24', claimedKeyId: 'k_0123456789abcdef' });
    // The network is locked out, a valid key from it too, until the budget refills; other networks are not.
    await stillServes(await pool.start());
  });

  it('reads the caller behind TRUST_PROXY hops from X-Forwarded-For, and buckets IPv6 callers by /64', async () => {
    const direct = await pool.start({ RATE_LIMIT_ANONYMOUS_PER_MINUTE: '2' });
    const statusFrom = async (t: TestStack, forwardedFor: string) => (await post(t, { query: '{ __typename }' }, { 'x-forwarded-for': forwardedFor })).status;
    // Without TRUST_PROXY the header is the caller's own claim: ignored, everyone here is 127.0.0.1.
    expect([await statusFrom(direct, '203.0.113.1'), await statusFrom(direct, '203.0.113.2'), await statusFrom(direct, '203.0.113.3')]).toEqual([200, 200, 429]);
    const proxied = await pool.start({ RATE_LIMIT_ANONYMOUS_PER_MINUTE: '2', TRUST_PROXY: '1' });
    expect([await statusFrom(proxied, '203.0.113.1'), await statusFrom(proxied, '203.0.113.1'), await statusFrom(proxied, '203.0.113.1')]).toEqual([200, 200, 429]);
    expect(await statusFrom(proxied, '203.0.113.2')).toBe(200);
    // A forged left-most entry does not help: the proxy appended the real address last.
    expect(await statusFrom(proxied, '198.51.100.7, 203.0.113.1')).toBe(429);
    expect([await statusFrom(proxied, '2001:db8:1:2::1'), await statusFrom(proxied, '2001:db8:1:2:ffff::9'), await statusFrom(proxied, '2001:db8:1:2::abcd')]).toEqual([
      200, 200, 429,
    ]);
    expect(await statusFrom(proxied, '2001:db8:1:3::1')).toBe(200);
  });

  it('answers CORS preflights for configured origins only', async () => {
    const t = await pool.start({ CORS_ORIGINS: 'https://dichvucong.example.gov.vn' });
    const preflight = (origin: string) =>
      fetch(`${t.url}/graphql`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,authorization' },
      });
    expect((await preflight('https://dichvucong.example.gov.vn')).headers.get('access-control-allow-origin')).toBe('https://dichvucong.example.gov.vn');
    expect((await preflight('https://elsewhere.example.com')).headers.get('access-control-allow-origin')).toBeNull();
  });
});
