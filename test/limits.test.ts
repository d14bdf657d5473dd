import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createApiKey } from '../src/auth/api-keys';
import type { TestDatabase } from './support/database';
import { seededGatewayPool } from './support/gateway';

/** Hostile and heavy requests against a gateway with its default limits, over HTTP. */
describe('operation limits, rate limits and CORS', () => {
  const pool = seededGatewayPool('limits');
  let database: TestDatabase;
  const start = pool.start;
  beforeAll(async () => {
    database = await pool.open();
  });
  afterAll(() => pool.close());

  const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const codeOf = async (response: Response) => ((await response.json()) as { errors?: Array<{ extensions?: { code?: string } }> }).errors?.[0]?.extensions?.code;

  it('rejects hostile operations with a code, and keeps serving', async () => {
    const url = await start();
    let deep = 'id';
    for (let i = 0; i < 10; i += 1) deep = `milestones { directive { ${deep} } }`;
    const hostile: Array<[string, unknown]> = [
      ['too deep', { query: `{ directive(id: "406/QĐ-TTg") { ${deep} } }` }],
      ['alias bomb', { query: `{ ${Array.from({ length: 500 }, (_, i) => `a${i}: health { database }`).join(' ')} }` }],
      ['too many tokens', { query: `{ directives(first: 1) { nodes { ${'id '.repeat(4_000)} } } }` }],
      ['nested fragments', { query: `query { directive(id: "406/QĐ-TTg") { ...F0 } } ${Array.from({ length: 20 }, (_, i) => `fragment F${i} on Directive { milestones { directive { ${i < 19 ? `...F${i + 1}` : 'id'} } } }`).join(' ')}` }],
    ];
    for (const [what, body] of hostile) {
      const response = await post(url, body);
      expect([what, response.status, await codeOf(response)]).toEqual([what, 400, 'OPERATION_LIMIT_EXCEEDED']);
    }
    const big = await post(url, JSON.stringify({ query: `{ health { database } } #${'x'.repeat(10 * 1024 * 1024)}` }));
    expect(big.status).toBe(413);
    expect(await codeOf(big)).toBe('PAYLOAD_TOO_LARGE');
    const batch = await post(url, Array.from({ length: 1_000 }, () => ({ query: '{ health { database } }' })));
    expect(batch.status).toBe(400);
    const malformed = await post(url, '{"query": ');
    expect([malformed.status, await codeOf(malformed)]).toEqual([400, 'BAD_REQUEST']);
    // Still serving.
    expect(await (await post(url, { query: '{ directive(id: "206/qd-ttg") { id } }' })).json()).toEqual({ data: { directive: { id: '206/QĐ-TTg' } } });
  });

  it('lets every ready-made example through the default limits', async () => {
    const url = await start();
    const dir = resolve(__dirname, '..', 'schema', 'examples');
    for (const file of readdirSync(dir)) {
      const response = await post(url, { query: readFileSync(join(dir, file), 'utf8') });
      expect([file, response.status]).toEqual([file, 200]);
    }
  });

  it('limits anonymous callers per address with 429 and Retry-After', async () => {
    const url = await start({ RATE_LIMIT_ANONYMOUS_PER_MINUTE: '3' });
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 5; i += 1) {
      const response = await post(url, { query: '{ health { database } }' });
      statuses.push(response.status);
      if (response.status === 429) {
        retryAfter = response.headers.get('retry-after');
        expect(await codeOf(response)).toBe('RATE_LIMITED');
      } else await response.text();
    }
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    expect(await (await fetch(`${url}/metrics`)).text()).toMatch(/gateway_rate_limit_rejections_total\{caller="anonymous"\} 2/);
  });

  it('gives each API key its own budget, separate from anonymous callers', async () => {
    const url = await start({ RATE_LIMIT_KEY_PER_MINUTE: '2', RATE_LIMIT_ANONYMOUS_PER_MINUTE: '100' });
    const { key: first } = await createApiKey(database.db, 'portal A', 'analyst');
    const { key: second } = await createApiKey(database.db, 'portal B', 'analyst');
    const statusFor = async (key?: string) => (await post(url, { query: '{ health { database } }' }, key ? { authorization: `Bearer ${key}` } : {})).status;
    expect([await statusFor(first), await statusFor(first), await statusFor(first)]).toEqual([200, 200, 429]);
    expect(await statusFor(second)).toBe(200);
    expect(await statusFor()).toBe(200);
    expect(await (await fetch(`${url}/metrics`)).text()).toMatch(/gateway_rate_limit_rejections_total\{caller="key"\} 1/);
  });

  it('answers CORS preflights for configured origins only', async () => {
    const url = await start({ CORS_ORIGINS: 'https://dichvucong.example.gov.vn' });
    const preflight = (origin: string) =>
      fetch(`${url}/graphql`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,authorization' } });
    const allowed = await preflight('https://dichvucong.example.gov.vn');
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://dichvucong.example.gov.vn');
    const other = await preflight('https://elsewhere.example.com');
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });
});
