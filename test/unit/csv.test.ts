import { parse } from 'graphql';
import { cellValue, columnsOf, csvCell, csvLine, DEFAULT_MAX_COLUMNS, fragmentsOf, operationOf, TooManyColumnsError } from '../../src/gateway/export/csv';

/** The columns of the first operation of `source`, as the export plans them. */
function columns(source: string, maxColumns?: number): string[] {
  const document = parse(source);
  const operation = operationOf(document, undefined);
  if (!operation) throw new Error('no operation');
  return columnsOf(operation.selectionSet, fragmentsOf(document), maxColumns);
}

/** A chain of n fragments, each spreading the next twice under `spread` (e.g. "...F{next} ...F{next}"). */
function chain(n: number, body: (next: string) => string): string {
  const fragments = Array.from({ length: n }, (_, i) => `fragment F${i} on T { ${body(`F${i + 1}`)} }`).join('\n');
  return `{ list { ...F0 } }\n${fragments}\nfragment F${n} on T { id }`;
}

describe('csvCell: RFC 4180 quoting', () => {
  it.each([
    ['plain', 'plain'],
    ['Bộ Tư pháp', 'Bộ Tư pháp'],
    ['a, b', '"a, b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['', ''],
    ['a=b', 'a=b'],
    ['x - y', 'x - y'],
  ])('%j → %j', (value, cell) => {
    expect(csvCell(value)).toBe(cell);
  });

  it('ends each line with CRLF', () => {
    expect(csvLine(['a', 'b,c', '=1'])).toBe(`a,"b,c",'=1\r\n`);
  });
});

describe('csvCell: formula neutralisation (OWASP CSV injection)', () => {
  it.each([
    ['=1+1', "'=1+1"],
    ['+84 24 3823 4567', "'+84 24 3823 4567"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1:A9)', "'@SUM(A1:A9)"],
    ['\t=1', "'\t=1"],
    ['- Bộ Tư pháp chủ trì', "'- Bộ Tư pháp chủ trì"],
    // Neutralised, then quoted: the apostrophe goes inside the quotes, where a spreadsheet reads it.
    ['=HYPERLINK("http://evil.example","click")', `"'=HYPERLINK(""http://evil.example"",""click"")"`],
    ['\r=1', `"'\r=1"`],
    ['- Bộ Giao thông vận tải đã hoàn thành\n- Bộ Y tế', `"'- Bộ Giao thông vận tải đã hoàn thành\n- Bộ Y tế"`],
  ])('%j → %j', (value, cell) => {
    expect(csvCell(value)).toBe(cell);
  });

  it('prefixes no other printable first character', () => {
    for (let code = 0x20; code < 0x7f; code += 1) {
      const first = String.fromCharCode(code);
      if (first === "'") continue;
      const neutralised = csvCell(`${first}x`).replace(/^"/, '').startsWith("'");
      expect([first, neutralised]).toEqual([first, '=+-@'.includes(first)]);
    }
  });
});

describe('columnsOf', () => {
  it('names leaf fields by dotted path in selection order, aliases included, without repeats', () => {
    expect(columns('{ list { id name: title lead { name } id lead { name code } } }')).toEqual(['list.id', 'list.name', 'list.lead.name', 'list.lead.code']);
  });

  it('follows fragment spreads and inline fragments', () => {
    expect(columns('{ list { ...A ... on T { b } } } fragment A on T { a nested { c } }')).toEqual(['list.a', 'list.nested.c', 'list.b']);
  });

  it('drops __typename at the top level only, also through a fragment that is spread at both levels', () => {
    const source = '{ __typename ...N list { __typename ...N } } fragment N on T { __typename n }';
    expect(columns(source)).toEqual(['n', 'list.__typename', 'list.n']);
  });

  it('plans a chain of 40 fragments that each spread the next twice in milliseconds (2^40 without a memo)', () => {
    const started = performance.now();
    expect(columns(chain(40, (next) => `...${next} ...${next}`))).toEqual(['list.id']);
    expect(performance.now() - started).toBeLessThan(500);
  });

  it('stops a chain that fans out through aliases at the column cap, at once', () => {
    const source = chain(40, (next) => `a { ...${next} } b { ...${next} }`);
    const started = performance.now();
    expect(() => columns(source, 50)).toThrow(new TooManyColumnsError(50));
    expect(() => columns(source)).toThrow(`more than ${DEFAULT_MAX_COLUMNS} columns`);
    expect(performance.now() - started).toBeLessThan(500);
    // Below the cap the same shape is fine: 2^5 columns.
    expect(
      columns(
        chain(5, (next) => `a { ...${next} } b { ...${next} }`),
        32,
      ),
    ).toHaveLength(32);
  });

  it('counts distinct columns against the cap, not repeats', () => {
    const ids = `{ list { ${'id '.repeat(500)} name } }`;
    expect(columns(ids, 2)).toEqual(['list.id', 'list.name']);
    expect(() => columns(ids, 1)).toThrow(TooManyColumnsError);
  });

  it('skips a fragment inside itself and unknown fragments, without overflowing the stack', () => {
    expect(columns('{ list { ...A } } fragment A on T { a ...B } fragment B on T { b ...A ...Missing }')).toEqual(['list.a', 'list.b']);
  });
});

describe('cellValue', () => {
  const row = {
    id: '406/QĐ-TTg#18',
    leadAgencies: [{ name: 'Bộ Kế hoạch và Đầu tư' }, { name: 'Văn phòng Chính phủ' }, null],
    due: null,
    status: { counts: [{ done: 16 }, { done: 25 }] },
    raw: { a: 1 },
    flag: false,
  };
  it.each([
    [['id'], '406/QĐ-TTg#18'],
    [['leadAgencies', 'name'], 'Bộ Kế hoạch và Đầu tư; Văn phòng Chính phủ'],
    [['due', 'text'], ''],
    [['status', 'counts', 'done'], '16; 25'],
    [['raw'], '{"a":1}'],
    [['flag'], 'false'],
    [['missing', 'deeper'], ''],
  ])('at %j is %j', (path, value) => {
    expect(cellValue(row, path)).toBe(value);
  });
});

describe('operationOf', () => {
  it('takes the only operation, or the named one; several without a name is none', () => {
    const single = parse('query A { a }');
    const several = parse('query A { a } query B { b }');
    expect(operationOf(single, undefined)?.name?.value).toBe('A');
    expect(operationOf(several, 'B')?.name?.value).toBe('B');
    expect(operationOf(several, undefined)).toBeUndefined();
    expect(operationOf(several, 'C')).toBeUndefined();
  });
});
