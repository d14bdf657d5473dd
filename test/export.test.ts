import { createApiKey } from '../src/auth/api-keys';
import { collections } from '../src/db/collections';
import { EXPORT_PAGE_SIZE } from '../src/http/export';
import { startTestGateway, type TestGateway } from './support/gateway';

const MILESTONES_406 = `query ($after: String, $first: Int) {
  milestones(first: $first, after: $after, filter: { directiveIds: ["406/QĐ-TTg"] }) {
    nodes { id item nameAsPrinted leadAgencies { name } due { text } }
    pageInfo { hasNextPage endCursor }
  }
}`;

describe('CSV export', () => {
  let t: TestGateway;
  let url: string;
  beforeAll(async () => {
    t = await startTestGateway();
    url = await t.listen();
  });
  afterAll(() => t.close());

  const exportCsv = (body: Record<string, unknown>, headers: Record<string, string> = {}) =>
    fetch(`${url}/graphql/export.csv`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

  it('exports every row of a connection as UTF-8 CSV with a BOM, dotted columns and joined lists', async () => {
    const response = await exportCsv({ query: MILESTONES_406, path: 'milestones' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = new TextDecoder().decode(bytes.slice(3)).trimEnd().split('\r\n');
    expect(lines[0]).toBe('id,item,nameAsPrinted,leadAgencies.name,due.text');
    expect(lines).toHaveLength(1 + 73);
    // A name with a comma is quoted; two lead agencies are joined with "; ".
    expect(lines).toContain('406/QĐ-TTg#19,19,Đăng ký kế hoạch bảo vệ môi trường,Bộ Tài nguyên và Môi trường,Quý II/2021');
    expect(lines.find((line) => line.startsWith('406/QĐ-TTg#18,'))).toContain('Bộ Kế hoạch và Đầu tư; Văn phòng Chính phủ');
  });

  it('exports a plain list at a nested path, and works by GET for links', async () => {
    const query = '{ directive(id: "206/QĐ-TTg") { milestones { item carriedOver } } }';
    const response = await fetch(`${url}/graphql/export.csv?${new URLSearchParams({ query, path: 'directive.milestones' })}`);
    const lines = (await response.text())
      .replace(/^\uFEFF/, '')
      .trimEnd()
      .split('\r\n');
    expect(lines[0]).toBe('item,carriedOver');
    expect(lines[1]).toBe('01,true');
    expect(lines).toHaveLength(1 + 28 + 40);
  });

  it.each([
    [{ query: '{ milestones { nodes { id } pageInfo { hasNextPage endCursor } } }', path: 'milestones' }, /after: \$after/],
    [{ query: MILESTONES_406, path: 'nowhere' }, /selects no list/],
    [{ query: MILESTONES_406 }, /path/],
    [{ query: '{ milestones(', path: 'milestones' }, /Syntax Error/],
  ])('refuses %j with 400 and a message', async (body, message) => {
    const response = await exportCsv(body);
    expect(response.status).toBe(400);
    const json = (await response.json()) as { errors: Array<{ message: string }> };
    expect(json.errors[0]?.message).toMatch(message);
  });

  it('obeys the same authentication and access rules as /graphql', async () => {
    const citizens = { query: 'query { citizens(ids: ["001099012345"], purpose: IDENTITY) { id fullName } }', path: 'citizens' };
    const anonymous = await exportCsv(citizens);
    expect(anonymous.status).not.toBe(200);
    expect(((await anonymous.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0]?.extensions.code).toBe('FORBIDDEN');
    const forged = await exportCsv({ query: MILESTONES_406, path: 'milestones' }, { authorization: 'Bearer dvc_k_0000000000000000_nope' });
    expect(forged.status).toBe(401);
    const { key } = await createApiKey(t.database.db, 'export analyst', 'analyst');
    expect((await exportCsv({ query: MILESTONES_406, path: 'milestones' }, { 'x-api-key': key })).status).toBe(200);
  });

  it('streams 50,000 synthetic rows page by page with bounded memory', async () => {
    // Synthetic rows in a database of their own, exported through the same gateway code.
    const big = await startTestGateway({ seed: false });
    try {
      const c = collections(big.database.db);
      // Bulk insert without secondary indexes: FerretDB maintains each one per insert, and the export needs none to be correct.
      await c.milestones.dropIndexes();
      const total = 50_000;
      for (let start = 0; start < total; start += 5_000) {
        // Lean rows: only what the exported query reads (FerretDB decodes every document on each page's sort, so size is time).
        const docs = Array.from({ length: 5_000 }, (_, i) => {
          const n = start + i;
          return {
            _id: `synthetic#${String(n).padStart(6, '0')}`,
            nameAsPrinted: `Dịch vụ tổng hợp số ${n}, nhóm ${n % 97}`,
            due: { text: 'Quý IV/2025', start: '2025-10-01', end: '2025-12-31' },
            sortDocument: `2025-01-01|synthetic|${String(n + 1).padStart(6, '0')}`,
          };
        });
        await big.database.db.collection<{ _id: string }>('milestones').insertMany(docs);
      }
      const bigUrl = await big.listen();

      const baseline = process.memoryUsage().heapUsed;
      let peak = baseline;
      const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 50);
      const response = await fetch(`${bigUrl}/graphql/export.csv`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          query: 'query ($after: String, $first: Int) { milestones(first: $first, after: $after) { nodes { id nameAsPrinted due { text } } pageInfo { hasNextPage endCursor } } }',
          path: 'milestones',
        }),
      });
      let newlines = 0;
      let chunks = 0;
      const reader = response.body!.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        chunks += 1;
        for (const byte of value) if (byte === 0x0a) newlines += 1;
      }
      clearInterval(sampler);
      process.stdout.write(`CSV export of ${total} rows: ${chunks} chunks, heap peak +${Math.round((peak - baseline) / 1048576)} MB\n`);
      expect(response.status).toBe(200);
      expect(newlines).toBe(1 + total);
      expect(chunks).toBeGreaterThan(total / EXPORT_PAGE_SIZE); // it streamed, not one body at the end
      // One page of 5,000 rows at a time (driver documents, GraphQL result, CSV text) plus the garbage collector's slack.
      expect(peak - baseline).toBeLessThan(256 * 1024 * 1024);
    } finally {
      await big.close();
    }
  }, 240_000);
});
