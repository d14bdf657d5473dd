import { ErrorCode } from '../../../src/platform/errors';
import { bearer, startTestStack, type TestStack } from '../../support/stack';

const MILESTONES_406 = `query ($after: String, $first: Int) {
  milestones(first: $first, after: $after, filter: { directiveIds: ["406/QĐ-TTg"] }) {
    nodes { id item nameAsPrinted leadAgencies { name } due { text } }
    pageInfo { hasNextPage endCursor }
  }
}`;

/** RFC 4180: rows of cells; quoted cells may hold commas, doubled quotes and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (quoted && c === '"' && text[i + 1] === '"') {
      cell += '"';
      i += 1;
    } else if (c === '"') {
      quoted = !quoted;
    } else if (!quoted && c === ',') {
      row.push(cell);
      cell = '';
    } else if (!quoted && c === '\r' && text[i + 1] === '\n') {
      rows.push([...row, cell]);
      row = [];
      cell = '';
      i += 1;
    } else {
      cell += c;
    }
  }
  return rows;
}

jest.setTimeout(60_000);

describe('CSV export', () => {
  let t: TestStack;
  beforeAll(async () => {
    t = await startTestStack();
  });
  afterAll(() => t.close());

  const exportCsv = (body: Record<string, unknown>, headers: Record<string, string> = {}) =>
    fetch(`${t.url}/graphql/export.csv`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const codeOf = async (response: Response) => ((await response.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0]?.extensions.code;

  it('exports every row of a connection as UTF-8 CSV with a BOM, dotted columns and joined lists', async () => {
    const response = await exportCsv({ query: MILESTONES_406, path: 'milestones' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="milestones.csv"');
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
    const response = await fetch(`${t.url}/graphql/export.csv?${new URLSearchParams({ query, path: 'directive.milestones' })}`);
    const lines = (await response.text())
      .replace(/^\uFEFF/, '')
      .trimEnd()
      .split('\r\n');
    expect(lines[0]).toBe('item,carriedOver');
    expect(lines[1]).toBe('01,true');
    expect(lines).toHaveLength(1 + 28 + 40);
  });

  it('takes variables as JSON in a GET, and names columns by alias, following fragments and inline fragments', async () => {
    const query = `query ($id: ID!) { directive(id: $id) { milestones { no: item ...Lead ... on Milestone { due { when: text } } } } }
      fragment Lead on Milestone { leadAgencies { name } }`;
    const response = await fetch(`${t.url}/graphql/export.csv?${new URLSearchParams({ query, path: 'directive.milestones', variables: JSON.stringify({ id: '206/QĐ-TTg' }) })}`);
    expect(response.status).toBe(200);
    const lines = (await response.text())
      .replace(/^\uFEFF/, '')
      .trimEnd()
      .split('\r\n');
    expect(lines[0]).toBe('no,leadAgencies.name,due.when');
    expect(lines).toHaveLength(1 + 28 + 40);
  });

  it.each([
    [
      'a connection without $after',
      { query: '{ milestones { nodes { id } pageInfo { hasNextPage endCursor } } }', path: 'milestones' },
      ErrorCode.BAD_USER_INPUT,
      /after: \$after/,
    ],
    ['a path that selects nothing', { query: MILESTONES_406, path: 'nowhere' }, ErrorCode.BAD_USER_INPUT, /selects no list/],
    ['no path', { query: MILESTONES_406 }, ErrorCode.BAD_USER_INPUT, /path/],
    ['variables that are not JSON', { query: MILESTONES_406, path: 'milestones', variables: '{' }, ErrorCode.BAD_USER_INPUT, /variables/],
    ['variables of the wrong type', { query: MILESTONES_406, path: 'milestones', variables: { first: 'many' } }, ErrorCode.BAD_USER_INPUT, /\$first/],
    ['a syntax error', { query: '{ milestones(', path: 'milestones' }, ErrorCode.GRAPHQL_PARSE_FAILED, /Syntax Error/],
    ['an unknown field', { query: '{ milestones { nodes { nope } } }', path: 'milestones.nodes' }, ErrorCode.GRAPHQL_VALIDATION_FAILED, /nope/],
    [
      'several operations without operationName',
      { query: 'query A { health { database } } query B { health { version } }', path: 'health' },
      ErrorCode.BAD_USER_INPUT,
      /operationName/,
    ],
  ])('refuses %s with 400, its code and a message', async (_what, body, code, message) => {
    const response = await exportCsv(body);
    expect(response.status).toBe(400);
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const json = (await response.json()) as { errors: Array<{ message: string; extensions: { code: string } }> };
    expect(json.errors[0]?.extensions.code).toBe(code);
    expect(json.errors[0]?.message).toMatch(message);
  });

  it('answers HEAD with the headers after one page, without paging through the rest', async () => {
    const smallPages = MILESTONES_406.replace('first: $first', 'first: 10').replace(', $first: Int', '');
    const response = await fetch(`${t.url}/graphql/export.csv?${new URLSearchParams({ query: smallPages, path: 'milestones' })}`, { method: 'HEAD' });
    expect([response.status, response.headers.get('content-type'), response.headers.get('x-export-field-errors')]).toEqual([200, 'text/csv; charset=utf-8', '0']);
    const requestId = response.headers.get('x-request-id');
    // Its check and one page of 10 rows (both logged before the headers went out), not the 8 pages of the GET.
    expect(t.logs.filter((line) => line.includes('"message":"graphql request"') && line.includes(String(requestId)))).toHaveLength(2);
  });

  it('obeys the same authentication and access rules as /graphql', async () => {
    const citizens = { query: 'query { citizens(ids: ["001099012345"], purpose: IDENTITY) { id fullName } }', path: 'citizens' };
    const anonymous = await exportCsv(citizens);
    expect([anonymous.status, await codeOf(anonymous)]).toEqual([403, ErrorCode.FORBIDDEN]);
    const forged = await exportCsv({ query: MILESTONES_406, path: 'milestones' }, { authorization: 'Bearer dvc_k_0000000000000000_nope' });
    expect([forged.status, await codeOf(forged)]).toEqual([401, ErrorCode.UNAUTHENTICATED]);
  });

  it.each(['analyst', 'officer'] as const)('exports for an %s key, with a request id, no-store and nosniff', async (role) => {
    const key = await t.key(role);
    for (const headers of [bearer(key), { 'x-api-key': key }]) {
      const response = await exportCsv({ query: MILESTONES_406, path: 'milestones' }, headers);
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      const requestId = response.headers.get('x-request-id');
      expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
      expect((await response.text()).trimEnd().split('\r\n')).toHaveLength(1 + 73);
      // Its check and its one page ran as the key's role, under the export's request id.
      const requests = t.logs.map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => line.message === 'graphql request' && line.requestId === requestId);
      expect(requests).toEqual([expect.objectContaining({ role, status: 200 }), expect.objectContaining({ role, status: 200, outcome: 'success' })]);
    }
  });

  it('neutralises cells a spreadsheet would run as formulas (OWASP), such as the seed texts that begin with "- "', async () => {
    const query =
      'query ($after: String, $first: Int) { milestones(first: $first, after: $after) { nodes { id leadText due { text } status { text } } pageInfo { hasNextPage endCursor } } }';
    const response = await exportCsv({ query, path: 'milestones' });
    expect(response.status).toBe(200);
    const rows = parseCsv((await response.text()).replace(/^\uFEFF/, ''));
    expect(rows[0]).toEqual(['id', 'leadText', 'due.text', 'status.text']);
    const cells = rows.slice(1).flat();
    // 17 seed values begin with "- " (5 leadText, 6 due.text, 6 status.text); each now begins with an apostrophe.
    expect(cells.filter((cell) => cell.startsWith("'- "))).toHaveLength(17);
    expect(cells.filter((cell) => /^[=+\-@\t\r]/.test(cell))).toEqual([]);
    const row07 = rows.find((row) => row[0] === '406/QĐ-TTg#07');
    expect(row07?.[1]).toMatch(/^'- Bộ Tư pháp chủ trì/);
    // A neutralised cell keeps its line breaks, quoted.
    const row08 = rows.find((row) => row[0] === '2348/VPCP-KSTT#I.08');
    expect(row08?.[3]).toMatch(/^'- Bộ Giao thông vận tải đã hoàn thành\n- Bộ Y tế/);
  });
});
