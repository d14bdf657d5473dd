import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCode } from '../../../src/platform/errors';
import { findIds } from '../../../src/stubs/population/generator';
import { bearer, stackPool, type TestStack } from '../../support/stack';

// Stacks start and answer slowly on a busy machine (and jest's projects do not take a testTimeout).
jest.setTimeout(60_000);

/**
 * Issue #16 against /graphql/export.csv: each attack is sent over HTTP to a
 * gateway composing both real subgraphs, the refusal is checked (status and
 * code), and another caller is then answered promptly.
 */

/** The 73 milestones of 406/QĐ-TTg, paged as an export must page a connection. */
const PAGED_406 = `query ($after: String, $first: Int) {
  milestones(first: $first, after: $after, filter: { directiveIds: ["406/QĐ-TTg"] }) { nodes { id item } pageInfo { hasNextPage endCursor } }
}`;

/** The export of PAGED_406 with `extra` selected beside the connection. */
const withBeside = (extra: string, variables = '$after: String, $first: Int') =>
  `query (${variables}) { milestones(first: $first, after: $after, filter: { directiveIds: ["406/QĐ-TTg"] }) { nodes { id } pageInfo { hasNextPage endCursor } } ${extra} }`;

/** Fragments that each spread the next twice: 2^n expansions for a planner without a memo, in a few hundred bytes. */
function doublingChain(n: number): string {
  const fragments = Array.from({ length: n }, (_, i) => `fragment F${i} on Milestone { ...F${i + 1} ...F${i + 1} }`).join(' ');
  return `query ($after: String, $first: Int) { milestones(first: $first, after: $after) { nodes { ...F0 } pageInfo { hasNextPage endCursor } } } ${fragments} fragment F${n} on Milestone { id }`;
}

const FRAGMENT_CYCLE = `query ($after: String, $first: Int) { milestones(first: $first, after: $after) { nodes { ...A } pageInfo { hasNextPage endCursor } } }
fragment A on Milestone { id ...B } fragment B on Milestone { item ...A }`;

interface ErrorBody {
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
}

interface Refusal {
  status: number;
  code: string | undefined;
  message: string;
  ms: number;
  /** The export's x-request-id, which its requests to the engine carry in the access log. */
  requestId: string | null;
}

interface Transfer {
  status: number;
  requestId: string | null;
  lines: string[];
  /** False when the server cut the connection before the body's end. */
  complete: boolean;
  ms: number;
}

describe('CSV export under attack (issue #16)', () => {
  const pool = stackPool('export_attacks');
  beforeAll(async () => {
    await pool.open();
  });
  afterAll(() => pool.close());

  const exportCsv = (t: TestStack, body: Record<string, unknown>, headers: Record<string, string> = {}) =>
    fetch(`${t.url}/graphql/export.csv`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

  /** Sends an export that must be refused, and reads the refusal. */
  const refused = async (t: TestStack, body: Record<string, unknown>, headers: Record<string, string> = {}): Promise<Refusal> => {
    const started = performance.now();
    const response = await exportCsv(t, body, headers);
    const text = await response.text();
    const ms = performance.now() - started;
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const error = (JSON.parse(text) as ErrorBody).errors?.[0];
    return { status: response.status, code: error?.extensions?.code, message: error?.message ?? '', ms, requestId: response.headers.get('x-request-id') };
  };

  /** Reads a CSV export to its end or to the server's cut. */
  const transfer = async (t: TestStack, body: Record<string, unknown>, headers: Record<string, string> = {}): Promise<Transfer> => {
    const started = performance.now();
    const response = await exportCsv(t, body, headers);
    const decoder = new TextDecoder();
    let text = '';
    let complete = true;
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    try {
      for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) text += decoder.decode(chunk.value, { stream: true });
    } catch {
      // undici rejects a body whose connection closed before the end of the chunked encoding; what arrived is kept.
      complete = false;
    }
    // Only whole lines count: a cut may fall inside one.
    text = text.slice(0, text.lastIndexOf('\r\n') + 2);
    return {
      status: response.status,
      requestId: response.headers.get('x-request-id'),
      lines: text
        .replace(/^\uFEFF/, '')
        .split('\r\n')
        .filter(Boolean),
      complete,
      ms: performance.now() - started,
    };
  };

  /** Another caller gets a correct answer from /graphql within two seconds (on a busy test machine): the process is not blocked. */
  const stillServes = async (t: TestStack, headers: Record<string, string> = {}): Promise<number> => {
    const started = performance.now();
    const { status, body } = await t.graphql('{ directive(id: "206/qd-ttg") { id } }', undefined, headers);
    const ms = performance.now() - started;
    expect([status, body]).toEqual([200, { data: { directive: { id: '206/QĐ-TTg' } } }]);
    expect(ms).toBeLessThan(2_000);
    return ms;
  };

  const logLines = (t: TestStack) => t.logs.map((line) => JSON.parse(line) as Record<string, unknown>);
  /** Engine requests the gateway answered (all callers, or one export's), from its access log. */
  const engineRequests = (t: TestStack, requestId?: string | null) =>
    logLines(t).filter((line) => line.message === 'graphql request' && (requestId === undefined || line.requestId === requestId));
  /** The export made one request of the engine, its check, which did not execute: nothing ran. */
  const onlyChecked = (t: TestStack, refusal: Refusal) => expect(engineRequests(t, refusal.requestId)).toEqual([expect.objectContaining({ status: 200 })]);

  describe('item 1: the document is checked before anything is planned', () => {
    it.each([30, 40])('refuses a chain of %i doubling fragments in milliseconds while /graphql keeps answering', async (n) => {
      const t = await pool.start();
      await stillServes(t); // warm: the first request loads the supergraph
      const attack = refused(t, { query: doublingChain(n), path: 'milestones' });
      // Another caller, sent while the attack is being handled.
      const other = stillServes(t);
      const [refusal, otherMs] = await Promise.all([attack, other]);
      process.stdout.write(
        `export: ${n} doubling fragments (${doublingChain(n).length} bytes) refused in ${refusal.ms.toFixed(0)} ms (${refusal.code}); /graphql answered in ${otherMs.toFixed(0)} ms meanwhile\n`,
      );
      expect(refusal).toMatchObject({ status: 400, code: ErrorCode.OPERATION_LIMIT_EXCEEDED });
      // Planned without a memo this would take minutes (2^30 and 2^40 fragment expansions).
      expect(refusal.ms).toBeLessThan(2_000);
      // The engine refused the export's check as /graphql would refuse the document; nothing was planned or run.
      expect(engineRequests(t, refusal.requestId)).toEqual([expect.objectContaining({ outcome: 'rejected', status: 400 })]);
    });

    it('refuses a fragment cycle with 400 GRAPHQL_VALIDATION_FAILED, not a stack overflow', async () => {
      const t = await pool.start();
      const refusal = await refused(t, { query: FRAGMENT_CYCLE, path: 'milestones' });
      expect(refusal).toMatchObject({ status: 400, code: ErrorCode.GRAPHQL_VALIDATION_FAILED, message: expect.stringMatching(/within itself/) });
      await stillServes(t);
    });

    it('refuses both the same way with the IDE off', async () => {
      const t = await pool.start({ IDE_ENABLED: 'false' });
      expect(await refused(t, { query: doublingChain(40), path: 'milestones' })).toMatchObject({ status: 400, code: ErrorCode.OPERATION_LIMIT_EXCEEDED });
      expect(await refused(t, { query: FRAGMENT_CYCLE, path: 'milestones' })).toMatchObject({ status: 400, code: ErrorCode.GRAPHQL_VALIDATION_FAILED });
      await stillServes(t);
    });

    it('in trusted-documents mode, refuses documents off the allow-list with PERSISTED_QUERY_NOT_ALLOWED before parsing them, and exports those on it', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'export-trusted-'));
      const manifest = join(dir, 'trusted.json');
      await writeFile(manifest, JSON.stringify([PAGED_406, '{ directive(id: "206/qd-ttg") { id } }']));
      const t = await pool.start({ TRUSTED_DOCUMENTS_FILE: manifest });
      // The cycle would be a validation error and the chain a limit error: the allow-list is checked first.
      for (const query of [doublingChain(40), FRAGMENT_CYCLE, '{ milestones(']) {
        const refusal = await refused(t, { query, path: 'milestones' });
        expect(refusal).toMatchObject({ status: 400, code: ErrorCode.PERSISTED_QUERY_NOT_ALLOWED });
        expect(refusal.ms).toBeLessThan(2_000);
      }
      const allowed = await transfer(t, { query: PAGED_406, path: 'milestones' });
      expect([allowed.status, allowed.complete, allowed.lines.length]).toEqual([200, true, 1 + 73]);
      await stillServes(t);
    });

    it('applies the token, depth, alias and directive limits of /graphql', async () => {
      const t = await pool.start();
      let deep = 'id';
      for (let i = 0; i < 10; i += 1) deep = `directive { milestones { ${deep} } }`;
      const attacks: Array<[string, string]> = [
        ['tokens', withBeside('').replace('nodes { id }', `nodes { ${'id '.repeat(4_000)} }`)],
        ['depth', withBeside('').replace('nodes { id }', `nodes { ${deep} }`)],
        ['aliases', withBeside('').replace('nodes { id }', `nodes { ${Array.from({ length: 31 }, (_, i) => `a${i}: id`).join(' ')} }`)],
        ['directives', withBeside('').replace('nodes { id }', `nodes { id ${'@include(if: true) '.repeat(51)} }`)],
      ];
      for (const [what, query] of attacks) {
        const refusal = await refused(t, { query, path: 'milestones' });
        expect([what, refusal.status, refusal.code]).toEqual([what, 400, ErrorCode.OPERATION_LIMIT_EXCEEDED]);
      }
      await stillServes(t);
    });

    it('applies the cost limit of /graphql', async () => {
      const t = await pool.start({ LIMIT_MAX_COST: '20' });
      const refusal = await refused(t, { query: withBeside('').replace('nodes { id }', 'nodes { id item leadAgencies { id name } service { id name } }'), path: 'milestones' });
      expect(refusal).toMatchObject({ status: 400, code: ErrorCode.OPERATION_LIMIT_EXCEEDED, message: expect.stringMatching(/[Cc]ost/) });
      await stillServes(t);
    });

    it('caps the number of columns at EXPORT_MAX_COLUMNS, counting those fragments bring', async () => {
      const t = await pool.start({ EXPORT_MAX_COLUMNS: '4' });
      const wide = `query ($after: String, $first: Int) { milestones(first: $first, after: $after) { nodes { id ...Wide } pageInfo { hasNextPage endCursor } } }
        fragment Wide on Milestone { a: leadAgencies { ...Agency } b: leadAgencies { ...Agency } } fragment Agency on Agency { id name }`;
      const refusal = await refused(t, { query: wide, path: 'milestones' });
      expect(refusal).toMatchObject({ status: 400, code: ErrorCode.OPERATION_LIMIT_EXCEEDED, message: expect.stringMatching(/more than 4 columns/) });
      const narrow = await transfer(t, { query: withBeside('').replace('nodes { id }', 'nodes { id item nameAsPrinted leadText }'), path: 'milestones' });
      expect([narrow.status, narrow.lines[0]]).toEqual([200, 'id,item,nameAsPrinted,leadText']);
      await stillServes(t);
    });
  });

  describe('item 3: the export has bounds, and large pages only where they are asked for', () => {
    it('cuts the stream at EXPORT_MAX_ROWS (an incomplete transfer), logs it, and keeps serving', async () => {
      const t = await pool.start({ EXPORT_MAX_ROWS: '10' });
      const result = await transfer(t, { query: PAGED_406, path: 'milestones' });
      expect([result.status, result.complete]).toEqual([200, false]);
      // The header and at most the budget's rows arrived; never the whole 73.
      expect(result.lines.length).toBeLessThanOrEqual(1 + 10);
      expect(logLines(t)).toContainEqual(expect.objectContaining({ level: 'warn', message: 'csv export cut', reason: 'reached EXPORT_MAX_ROWS (10)', path: 'milestones' }));
      await stillServes(t);
    });

    it('cuts the stream at EXPORT_TIMEOUT_MS, logs it, and keeps serving', async () => {
      // One row per page: 185 pages of engine requests. The deadline falls after a few pages, however fast this machine is.
      const slow = 'query ($after: String) { milestones(first: 1, after: $after) { nodes { id service { id name } directive { id title } } pageInfo { hasNextPage endCursor } } }';
      const probe = await pool.start();
      await stillServes(probe);
      const started = performance.now();
      expect((await probe.graphql(slow)).status).toBe(200);
      const pageMs = performance.now() - started;
      const timeoutMs = Math.max(1_000, Math.ceil((5 * pageMs) / 1_000) * 1_000);
      const t = await pool.start({ EXPORT_TIMEOUT_MS: String(timeoutMs), RATE_LIMIT_ANONYMOUS_PER_MINUTE: '100000' });
      await stillServes(t);
      const result = await transfer(t, { query: slow, path: 'milestones' });
      process.stdout.write(
        `export: cut by EXPORT_TIMEOUT_MS=${timeoutMs} after ${result.ms.toFixed(0)} ms, ${result.lines.length - 1} rows (a page takes ${pageMs.toFixed(0)} ms)\n`,
      );
      expect([result.status, result.complete]).toEqual([200, false]);
      expect(result.lines.length).toBeGreaterThan(1);
      expect(result.ms).toBeGreaterThanOrEqual(timeoutMs - 50);
      expect(result.ms).toBeLessThan(timeoutMs + 3_000);
      expect(logLines(t)).toContainEqual(
        expect.objectContaining({ level: 'warn', message: 'csv export cut', reason: `ran past EXPORT_TIMEOUT_MS (${timeoutMs} ms)`, requestId: result.requestId }),
      );
      await stillServes(t);
    });

    it.each([
      ['a literal', withBeside('services(first: 101) { nodes { id } }'), {}],
      ['a variable', withBeside('services(first: $n) { nodes { id } }', '$after: String, $first: Int, $n: Int'), { n: 5000 }],
      ["a variable's default", withBeside('services(first: $n) { nodes { id } }', '$after: String, $first: Int, $n: Int = 5000'), {}],
      ["the export's own $first", withBeside('services(first: $first) { nodes { id } }'), {}],
      ['a fragment on Query', `${withBeside('...More')} fragment More on Query { agencies(first: 101) { nodes { id } } }`, {}],
    ])('refuses a second connection asking for a large page through %s', async (_how, query, variables) => {
      const t = await pool.start();
      const refusal = await refused(t, { query, variables, path: 'milestones' });
      expect(refusal).toMatchObject({ status: 400, code: ErrorCode.BAD_USER_INPUT, message: expect.stringMatching(/exported connection/) });
      onlyChecked(t, refusal);
      await stillServes(t);
    });

    it('pages the exported connection in large pages, and lets other connections have normal ones', async () => {
      const t = await pool.start();
      const all =
        'query ($after: String, $first: Int) { milestones(first: $first, after: $after) { nodes { id } pageInfo { hasNextPage endCursor } } services(first: 100) { nodes { id } } }';
      const result = await transfer(t, { query: all, path: 'milestones' });
      expect([result.status, result.complete]).toEqual([200, true]);
      const total = (await t.graphql<{ milestones: { totalCount: number } }>('{ milestones { totalCount } }')).body.data?.milestones.totalCount ?? 0;
      expect(total).toBeGreaterThan(100);
      expect(result.lines).toHaveLength(1 + total);
      // The check, then every milestone in one page.
      expect(engineRequests(t, result.requestId)).toHaveLength(2);
    });

    it.each([
      ['hasNextPage: hasPreviousPage', PAGED_406.replace('pageInfo { hasNextPage endCursor }', 'pageInfo { hasNextPage: hasPreviousPage endCursor }')],
      ['endCursor: startCursor', PAGED_406.replace('pageInfo { hasNextPage endCursor }', 'pageInfo { hasNextPage endCursor: startCursor }')],
      ['an alias in an inline fragment', PAGED_406.replace('pageInfo { hasNextPage endCursor }', 'pageInfo { ... on PageInfo { more: hasPreviousPage } hasNextPage endCursor }')],
    ])('refuses aliases under pageInfo (%s), which would make paging loop', async (_how, query) => {
      const t = await pool.start();
      const refusal = await refused(t, { query, path: 'milestones' });
      expect(refusal).toMatchObject({ status: 400, code: ErrorCode.BAD_USER_INPUT, message: expect.stringMatching(/^Fields under `pageInfo` cannot be aliased/) });
      onlyChecked(t, refusal);
      await stillServes(t);
    });

    it('refuses another field passed off as pageInfo or nodes under an alias', async () => {
      const t = await pool.start();
      const disguised = PAGED_406.replace('pageInfo { hasNextPage endCursor }', 'real: pageInfo { hasNextPage } pageInfo: edges { hasNextPage: cursor endCursor: cursor }');
      expect(await refused(t, { query: disguised, path: 'milestones' })).toMatchObject({
        status: 400,
        code: ErrorCode.BAD_USER_INPUT,
        message: expect.stringMatching(/pageInfo \{ hasNextPage endCursor \}/),
      });
    });

    it('charges every page to the rate limit: a multi-page export stops when the budget runs out, then gets 429', async () => {
      const t = await pool.start({ RATE_LIMIT_ANONYMOUS_PER_MINUTE: '3' });
      const analyst = await t.key('analyst');
      // Pages of 20 rows: 73 rows need 4 pages; the budget of 3 pays for the export's check and 2 pages.
      const smallPages = PAGED_406.replace('first: $first', 'first: 20').replace(', $first: Int', '');
      const first = await transfer(t, { query: smallPages, path: 'milestones' });
      expect([first.status, first.complete, first.lines.length]).toEqual([200, false, 1 + 40]);
      expect(engineRequests(t, first.requestId).map((line) => line.status)).toEqual([200, 200, 200, 429]);
      expect(logLines(t)).toContainEqual(expect.objectContaining({ message: 'csv export cut', reason: 'a page failed: RATE_LIMITED' }));
      const again = await exportCsv(t, { query: PAGED_406, path: 'milestones' });
      expect(again.status).toBe(429);
      expect(Number(again.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(((await again.json()) as ErrorBody).errors?.[0]?.extensions?.code).toBe(ErrorCode.RATE_LIMITED);
      // The same network's /graphql budget is the one the pages spent; a keyed caller has its own.
      expect((await t.graphql('{ __typename }')).status).toBe(429);
      await stillServes(t, bearer(analyst));
    });

    it("charges each export's check too: refused documents spend the budget, and then the next is refused before it is validated", async () => {
      const t = await pool.start({ RATE_LIMIT_ANONYMOUS_PER_MINUTE: '2' });
      expect(await refused(t, { query: FRAGMENT_CYCLE, path: 'milestones' })).toMatchObject({ status: 400, code: ErrorCode.GRAPHQL_VALIDATION_FAILED });
      expect(await refused(t, { query: doublingChain(40), path: 'milestones' })).toMatchObject({ status: 400, code: ErrorCode.OPERATION_LIMIT_EXCEEDED });
      const third = await refused(t, { query: FRAGMENT_CYCLE, path: 'milestones' });
      expect(third).toMatchObject({ status: 429, code: ErrorCode.RATE_LIMITED });
      expect(engineRequests(t, third.requestId)).toEqual([expect.objectContaining({ status: 429, outcome: 'rejected' })]);
    });

    it('refuses exports that select citizen data with 403, before any lookup or audit entry', async () => {
      const t = await pool.start();
      const officer = bearer(await t.key('officer'));
      const auditor = bearer(await t.key('auditor'));
      const [id] = findIds('FOUND', 1, 16);
      const audit = t.database.db.collection('audit_log');
      const attempts: Array<[string, Record<string, unknown>, Record<string, string>]> = [
        ['citizen', { query: `{ citizen(id: "${id}", purpose: IDENTITY) { permanentResidence { addressLine } } }`, path: 'citizen.permanentResidence' }, officer],
        ['citizens', { query: 'query ($ids: [ID!]!) { people: citizens(ids: $ids, purpose: IDENTITY) { id fullName } }', variables: { ids: [id] }, path: 'people' }, officer],
        [
          'citizens in a fragment',
          { query: `{ directives { nodes { id } } ...P } fragment P on Query { citizens(ids: ["${id}"], purpose: IDENTITY) { fullName } }`, path: 'directives.nodes' },
          officer,
        ],
        ['anonymous', { query: `{ citizens(ids: ["${id}"], purpose: IDENTITY) { id } }`, path: 'citizens' }, {}],
        [
          'the audit trail',
          { query: 'query ($after: String) { auditEntries(after: $after) { nodes { id requestId outcome } pageInfo { hasNextPage endCursor } } }', path: 'auditEntries' },
          auditor,
        ],
      ];
      for (const [what, body, headers] of attempts) {
        const refusal = await refused(t, body, headers);
        expect([what, refusal.status, refusal.code]).toEqual([what, 403, ErrorCode.FORBIDDEN]);
        expect(refusal.message).not.toContain(String(id));
        onlyChecked(t, refusal);
      }
      expect(t.stub.state.stats.requests).toBe(0);
      expect(await audit.countDocuments()).toBe(0);
      // The same lookup through /graphql reaches the stub and is audited: the counters above would have moved.
      expect((await t.graphql(`{ citizen(id: "${id}", purpose: IDENTITY) { fullName } }`, undefined, officer)).status).toBe(200);
      expect(t.stub.state.stats.requests).toBeGreaterThan(0);
      expect(await audit.countDocuments()).toBe(1);
      await stillServes(t);
    });
  });
});
