import { EXPORT_PAGE_SIZE } from '../../../src/gateway/export/plan';
import { openTestDatabase, type TestDatabase } from '../../support/database';
import { startTestStack, type TestStack } from '../../support/stack';

const TOTAL = 50_000;

/** Every synthetic milestone, paged by the export. */
const ALL = 'query ($after: String, $first: Int) { milestones(first: $first, after: $after) { nodes { id nameAsPrinted due { text } } pageInfo { hasNextPage endCursor } } }';

/** Wide rows (about 1.1 KB each, 5.5 MB a page): more than the socket buffers between the gateway and the client hold (about 3 MB here). */
const WIDE = ALL.replace('nodes { id nameAsPrinted due { text } }', `nodes { id ${Array.from({ length: 29 }, (_, i) => `n${i}: nameAsPrinted`).join(' ')} }`);

/** Lean synthetic milestones, only what the exported queries read, inserted without secondary indexes (FerretDB maintains each per insert). */
async function loadSyntheticMilestones(database: TestDatabase): Promise<void> {
  await database.collections.milestones.dropIndexes();
  const milestones = database.db.collection<{ _id: string }>('milestones');
  for (let start = 0; start < TOTAL; start += 5_000) {
    const docs = Array.from({ length: 5_000 }, (_, i) => {
      const n = start + i;
      return {
        _id: `synthetic#${String(n).padStart(6, '0')}`,
        nameAsPrinted: `Dịch vụ tổng hợp số ${n}, nhóm ${n % 97}`,
        due: { text: 'Quý IV/2025', start: '2025-10-01', end: '2025-12-31' },
        sortDocument: `2025-01-01|synthetic|${String(n + 1).padStart(6, '0')}`,
      };
    });
    await milestones.insertMany(docs);
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<number> {
  const started = performance.now();
  while (!condition()) {
    if (performance.now() - started > timeoutMs) throw new Error(`not within ${timeoutMs} ms`);
    await sleep(20);
  }
  return performance.now() - started;
}

/**
 * No seed data (the synthetic milestones are the whole catalogue), and timeouts
 * for a slow machine: FerretDB reads all 50,000 documents for each page, which
 * takes seconds when the machine is busy. The bounds themselves are tested in
 * test/export-attacks.test.ts and in the last test here.
 */
const PATIENT = { SEED_ON_START: 'false', DB_REQUEST_TIMEOUT_MS: '120000', SUBGRAPH_TIMEOUT_MS: '300000', EXECUTION_TIMEOUT_MS: '300000', EXPORT_TIMEOUT_MS: '900000' };

/** 50,000 synthetic rows in a database of their own, exported through the whole stack. */
describe('CSV export of a large connection', () => {
  let database: TestDatabase;
  let t: TestStack;
  let short: TestStack | undefined;
  beforeAll(async () => {
    database = await openTestDatabase('export_big');
    await loadSyntheticMilestones(database);
    t = await startTestStack({ database, env: PATIENT });
  }, 240_000);
  afterAll(async () => {
    if (process.env.EXPORT_DEBUG)
      for (const line of [...(t?.logs ?? []), ...(short?.logs ?? [])]) if (/"level":"(warn|error)"|csv export/.test(line)) process.stdout.write(line.slice(0, 400) + '\n');
    await t?.close();
    await short?.close();
    await database?.drop();
  });

  const start = (stack: TestStack, query: string, signal?: AbortSignal) =>
    fetch(`${stack.url}/graphql/export.csv`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, path: 'milestones' }), signal });
  const logsOf = (stack: TestStack, requestId: string | null) =>
    stack.logs.map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => line.requestId === requestId);
  /** Requests one export made of the engine: its check, then its pages. */
  const requestsOf = (stack: TestStack, requestId: string | null) => logsOf(stack, requestId).filter((line) => line.message === 'graphql request').length;
  const pagesOf = (stack: TestStack, requestId: string | null) => requestsOf(stack, requestId) - 1;

  it('streams 50,000 synthetic rows page by page with bounded memory', async () => {
    const baseline = process.memoryUsage().heapUsed;
    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 50);
    const started = performance.now();
    const response = await start(t, ALL);
    let newlines = 0;
    let chunks = 0;
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      chunks += 1;
      for (const byte of chunk.value) if (byte === 0x0a) newlines += 1;
    }
    clearInterval(sampler);
    process.stdout.write(
      `CSV export of ${TOTAL} rows: ${Math.round(performance.now() - started)} ms, ${chunks} chunks, heap peak +${Math.round((peak - baseline) / 1048576)} MB\n`,
    );
    expect(response.status).toBe(200);
    expect(newlines).toBe(1 + TOTAL);
    expect(chunks).toBeGreaterThan(TOTAL / EXPORT_PAGE_SIZE); // it streamed, not one body at the end
    expect(pagesOf(t, response.headers.get('x-request-id'))).toBe(TOTAL / EXPORT_PAGE_SIZE);
    // One page of 5,000 rows at a time (driver documents, GraphQL result, CSV text) plus the garbage collector's slack.
    expect(peak - baseline).toBeLessThan(256 * 1024 * 1024);
  }, 240_000);

  /** How long the first wide page took to arrive, for a deadline that falls after it. */
  let firstPageMs = 0;

  it('fetches no further page while the client is not reading (backpressure), and goes on once it reads again', async () => {
    const controller = new AbortController();
    const started = performance.now();
    const response = await start(t, WIDE, controller.signal);
    expect(response.status).toBe(200);
    const requestId = response.headers.get('x-request-id');
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    firstPageMs = performance.now() - started;
    await sleep(2_000);
    const whilePaused = pagesOf(t, requestId);
    await sleep(1_000);
    // Stuck on the first pages: 5 MB a page cannot all sit in the socket buffers.
    expect(pagesOf(t, requestId)).toBe(whilePaused);
    expect(whilePaused).toBeLessThanOrEqual(2);
    let newlines = 0;
    while (pagesOf(t, requestId) < whilePaused + 2) {
      const chunk = await reader.read();
      if (chunk.done) break;
      for (const byte of chunk.value) if (byte === 0x0a) newlines += 1;
    }
    expect(pagesOf(t, requestId)).toBeGreaterThanOrEqual(whilePaused + 2);
    expect(newlines).toBeGreaterThan(EXPORT_PAGE_SIZE / 2);
    // Leaving now, while the gateway fetches a page: the page is abandoned and no other is fetched.
    controller.abort();
    await waitFor(() => logsOf(t, requestId).some((line) => line.message === 'csv export abandoned by the client'), 30_000);
    const pages = pagesOf(t, requestId);
    await sleep(1_000);
    expect(pagesOf(t, requestId)).toBe(pages);
    expect(pages).toBeLessThan(TOTAL / EXPORT_PAGE_SIZE);
  }, 240_000);

  it('stops paging and frees the export when the client goes away while the export waits for it to read', async () => {
    const controller = new AbortController();
    const response = await start(t, WIDE, controller.signal);
    expect(response.status).toBe(200);
    const requestId = response.headers.get('x-request-id');
    await (response.body as ReadableStream<Uint8Array>).getReader().read();
    await sleep(500);
    controller.abort();
    const ms = await waitFor(() => logsOf(t, requestId).some((line) => line.message === 'csv export abandoned by the client'), 5_000);
    process.stdout.write(`export: client went away, export stopped ${Math.round(ms)} ms later\n`);
    const pages = pagesOf(t, requestId);
    await sleep(1_000);
    expect(pagesOf(t, requestId)).toBe(pages);
    expect(pages).toBeLessThan(TOTAL / EXPORT_PAGE_SIZE);
  }, 60_000);

  it('cuts an export at EXPORT_TIMEOUT_MS even while it waits for a client that stopped reading, and logs it', async () => {
    // The deadline must fall after the first page (a stalled client needs rows to stall on): three times its time here.
    if (firstPageMs === 0) {
      const probe = new AbortController();
      const probeStarted = performance.now();
      await (await start(t, WIDE, probe.signal)).body?.getReader().read();
      firstPageMs = performance.now() - probeStarted;
      probe.abort();
    }
    const timeoutMs = Math.max(1_000, Math.ceil((3 * firstPageMs) / 1_000) * 1_000);
    short = await startTestStack({ database, env: { ...PATIENT, EXPORT_TIMEOUT_MS: String(timeoutMs) } });

    const started = performance.now();
    const response = await start(short, WIDE);
    expect(response.status).toBe(200);
    const requestId = response.headers.get('x-request-id');
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    // The client reads nothing more: the export waits for the socket to drain, and the deadline must still end it.
    const stack = short;
    await waitFor(
      () => logsOf(stack, requestId).some((line) => line.message === 'csv export cut' && line.reason === `ran past EXPORT_TIMEOUT_MS (${timeoutMs} ms)`),
      timeoutMs + 5_000,
    );
    const ms = performance.now() - started;
    process.stdout.write(`export: stalled client cut by EXPORT_TIMEOUT_MS=${timeoutMs} after ${Math.round(ms)} ms (first page ${Math.round(firstPageMs)} ms)\n`);
    expect(ms).toBeGreaterThanOrEqual(timeoutMs - 50);
    expect(ms).toBeLessThan(timeoutMs + 3_000);
    // What the client reads now ends in a broken transfer, not a complete-looking file.
    await expect(
      (async () => {
        for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read());
      })(),
    ).rejects.toThrow();
  }, 120_000);
});
