import { connect } from 'node:net';
import { findFreePort } from '../../src/platform/db/embedded';
import { listen } from '../../src/platform/http/listen';
import { bearer, stackPool } from '../support/stack';

const TOKEN = 'test-metrics-token-0123456789';

describe('metrics: where they are served, and what callers can add to them', () => {
  const pool = stackPool('metrics');
  beforeAll(async () => {
    await pool.open();
  });
  afterAll(() => pool.close());

  it('are not on the API port by default', async () => {
    const t = await pool.start();
    const response = await fetch(`${t.url}/metrics`);
    expect(response.status).toBe(404);
    expect(((await response.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0]?.extensions.code).toBe('NOT_FOUND');
  });

  it('are on the API port behind METRICS_TOKEN, with per-subgraph requests, errors and latency', async () => {
    const t = await pool.start({ METRICS_TOKEN: TOKEN });
    expect((await fetch(`${t.url}/metrics`)).status).toBe(401);
    expect((await fetch(`${t.url}/metrics`, { headers: bearer('wrong-token-wrong-token') })).status).toBe(401);
    await t.graphql('query DirectivePage { directive(id: "406/QĐ-TTg") { id } }');
    const text = await (await fetch(`${t.url}/metrics`, { headers: bearer(TOKEN) })).text();
    expect(text).toMatch(/gateway_requests_total\{operation="DirectivePage",outcome="success"\} 1/);
    expect(text).toMatch(/gateway_subgraph_requests_total\{subgraph="catalogue",outcome="success"\} \d+/);
    expect(text).toMatch(/gateway_subgraph_request_duration_seconds_count\{subgraph="catalogue"\} \d+/);
    expect(text).toMatch(/subgraph_requests_total\{subgraph="catalogue",outcome="success"\} \d+/);
    expect(text).toMatch(/database_commands_total\{component="catalogue",command="find"\} \d+/);
    expect(text).toMatch(/population_upstream_breaker_state 0/);
  });

  it('are served on METRICS_PORT alone when set', async () => {
    const port = await findFreePort();
    const t = await pool.start({ METRICS_PORT: String(port) });
    expect((await fetch(`${t.url}/metrics`)).status).toBe(404);
    const scrape = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(scrape.status).toBe(200);
    expect(await scrape.text()).toMatch(/gateway_requests_total|# HELP/);
  });

  it('label only operation names the gateway knows: a caller sending 300 made-up names adds one series, "other"', async () => {
    const t = await pool.start({ METRICS_TOKEN: TOKEN, RATE_LIMIT_ANONYMOUS_PER_MINUTE: '10000' });
    for (let i = 0; i < 300; i += 1) await t.graphql(`query Probe${i}x${Math.random().toString(36).slice(2)} { __typename }`);
    const started = performance.now();
    const text = await (await fetch(`${t.url}/metrics`, { headers: bearer(TOKEN) })).text();
    const scrapeMs = performance.now() - started;
    const operations = new Set([...text.matchAll(/gateway_requests_total\{operation="([^"]+)"/g)].map((match) => match[1]));
    expect([...operations]).toEqual(['other']);
    expect(text).not.toMatch(/Probe\d+/);
    expect(text.length).toBeLessThan(200_000);
    expect(scrapeMs).toBeLessThan(2_000);
  });
});

describe('slow clients', () => {
  it('cannot hold a connection: one that never finishes its headers is cut after the headers timeout', async () => {
    const server = await listen((_req, res) => res.end('ok'), 0, '127.0.0.1', { headersTimeoutMs: 300, requestTimeoutMs: 600 });
    try {
      const closed = await new Promise<{ ms: number; data: string }>((resolve) => {
        const started = performance.now();
        let data = '';
        const socket = connect(server.port, '127.0.0.1', () => socket.write('GET / HTTP/1.1\r\nHost: x\r\nX-Slow: '));
        socket.on('data', (chunk) => (data += chunk.toString()));
        socket.on('close', () => resolve({ ms: performance.now() - started, data }));
      });
      expect(closed.ms).toBeLessThan(3_000);
      expect(closed.data).toMatch(/^HTTP\/1\.1 408/);
    } finally {
      await server.close();
    }
  });

  it('are given 10 s for headers and 30 s for a whole request by the gateway', async () => {
    const pool = stackPool('timeouts');
    await pool.open();
    try {
      const t = await pool.start();
      expect(t.stack.gateway.http.server.headersTimeout).toBe(10_000);
      expect(t.stack.gateway.http.server.requestTimeout).toBe(30_000);
      expect(t.stack.catalogue.http.server.headersTimeout).toBe(10_000);
    } finally {
      await pool.close();
    }
  });
});
