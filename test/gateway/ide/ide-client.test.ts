import { parse } from 'graphql';
import { CITIZEN_ID_MASK, createPrivateStorage, scrubStoredItems, storableValue, type EnumerableStorage } from '../../../ide-client/private-storage';
import { findCharts, NO_VALUE_LABEL } from '../../../ide-client/result-charts';
import { findLists, isNumericColumn, sortRows, tableCells } from '../../../ide-client/result-lists';
import { cellValue } from '../../../src/gateway/export/csv';

/**
 * The IDE's browser-free parts, under Node: what GraphiQL may store (private-storage.ts), and
 * how a result becomes tables and charts (result-lists.ts, result-charts.ts). The browser test
 * (ide.browser.test.ts) drives the same code in Chromium.
 */

const API_KEY = 'dvc_0123456789abcdefSECRET';
const CITIZEN_ID = '001203004567';

/** localStorage's behaviour, in memory. */
function memoryStorage(initial: Record<string, string> = {}): EnumerableStorage & { dump(): Record<string, string> } {
  const items = new Map(Object.entries(initial));
  return {
    getItem: (key) => items.get(key) ?? null,
    setItem: (key, value) => void items.set(key, value),
    removeItem: (key) => void items.delete(key),
    clear: () => items.clear(),
    key: (index) => [...items.keys()][index] ?? null,
    get length() {
      return items.size;
    },
    dump: () => Object.fromEntries(items),
  };
}

const HEADERS_TEXT = `{"Authorization": "Bearer ${API_KEY}"}`;
const VARIABLES_TEXT = `{"id": "${CITIZEN_ID}"}`;
const LOOKUP = `query Lookup($id: ID!) { citizen(id: $id, purpose: IDENTITY) { fullName } }`;
const INLINE_LOOKUP = `{ citizen(id: "${CITIZEN_ID}", purpose: IDENTITY) { fullName } }`;

/** What GraphiQL 3.9 writes after a run with a key and a citizen ID, "Persist headers" on or not. */
function graphiqlWrites(): Array<[string, string]> {
  const tab = {
    id: 't1',
    hash: null,
    title: 'Lookup',
    query: LOOKUP,
    variables: VARIABLES_TEXT,
    headers: HEADERS_TEXT,
    operationName: 'Lookup',
    response: `{"data": {"citizen": {"fullName": "Nguyễn Văn A"}}}`,
  };
  const entry = { query: LOOKUP, variables: VARIABLES_TEXT, headers: HEADERS_TEXT, operationName: 'Lookup' };
  return [
    ['graphiql:query', INLINE_LOOKUP],
    ['graphiql:variables', VARIABLES_TEXT],
    ['graphiql:headers', HEADERS_TEXT],
    ['graphiql:tabState', JSON.stringify({ tabs: [tab, { ...tab, id: 't2', query: INLINE_LOOKUP }], activeTabIndex: 0 })],
    ['graphiql:queries', JSON.stringify({ queries: [entry, { ...entry, query: INLINE_LOOKUP }] })],
    ['graphiql:favorites', JSON.stringify({ favorites: [{ ...entry, label: 'mine', favorite: true }] })],
    ['graphiql:theme', 'dark'],
    ['graphiql:editorFlex', '1'],
  ];
}

function expectNothingPrivate(stored: Record<string, string>): void {
  const everything = JSON.stringify(stored);
  expect(everything).not.toContain(API_KEY);
  expect(everything).not.toContain(CITIZEN_ID);
  expect(everything).not.toContain('Nguyễn Văn A');
}

describe('the IDE storage wrapper', () => {
  it('stores no headers, variables nor citizen IDs, whatever GraphiQL writes', () => {
    const backing = memoryStorage();
    const storage = createPrivateStorage(backing);
    for (const [key, value] of graphiqlWrites()) storage.setItem(key, value);
    const stored = backing.dump();
    expectNothingPrivate(stored);
    expect(Object.keys(stored).sort()).toEqual(['graphiql:editorFlex', 'graphiql:favorites', 'graphiql:queries', 'graphiql:query', 'graphiql:tabState', 'graphiql:theme']);
  });

  it('keeps the queries, tabs, history and favourites themselves, in the shapes GraphiQL reads back', () => {
    const backing = memoryStorage();
    const storage = createPrivateStorage(backing);
    for (const [key, value] of graphiqlWrites()) storage.setItem(key, value);
    const tabs = JSON.parse(storage.getItem('graphiql:tabState') ?? '') as { tabs: Array<Record<string, unknown>>; activeTabIndex: number };
    expect(tabs.activeTabIndex).toBe(0);
    // GraphiQL's isTabState wants these as strings or null, or it drops all tabs.
    expect(tabs.tabs[0]).toEqual({ id: 't1', hash: null, title: 'Lookup', query: LOOKUP, variables: null, headers: null, operationName: 'Lookup', response: null });
    expect(tabs.tabs[1]?.query).toBe(INLINE_LOOKUP.replace(CITIZEN_ID, CITIZEN_ID_MASK));
    expect(JSON.parse(storage.getItem('graphiql:queries') ?? '')).toEqual({
      queries: [
        { query: LOOKUP, operationName: 'Lookup' },
        { query: INLINE_LOOKUP.replace(CITIZEN_ID, CITIZEN_ID_MASK), operationName: 'Lookup' },
      ],
    });
    expect(JSON.parse(storage.getItem('graphiql:favorites') ?? '')).toEqual({ favorites: [{ query: LOOKUP, operationName: 'Lookup', label: 'mine', favorite: true }] });
    expect(storage.getItem('graphiql:theme')).toBe('dark');
  });

  it('scrubs what an earlier page left in the browser, and leaves other sites’ keys alone', () => {
    const backing = memoryStorage({ ...Object.fromEntries(graphiqlWrites()), 'graphiql:unknownNewKey': 'x', 'other-app': HEADERS_TEXT });
    scrubStoredItems(backing);
    const { 'other-app': otherApp, ...ours } = backing.dump();
    expect(otherApp).toBe(HEADERS_TEXT);
    expectNothingPrivate(ours);
    expect(ours['graphiql:unknownNewKey']).toBeUndefined();
    expect(ours['graphiql:theme']).toBe('dark');
  });

  it('refuses what it cannot read, and counts and clears only GraphiQL’s keys', () => {
    expect(storableValue('graphiql:tabState', '{not json')).toBeUndefined();
    expect(storableValue('graphiql:queries', JSON.stringify({ favorites: [] }))).toBeUndefined();
    const backing = memoryStorage({ 'other-app': '1' });
    const storage = createPrivateStorage(backing);
    storage.setItem('graphiql:theme', 'light');
    expect(storage.length).toBe(1);
    storage.clear();
    expect(backing.dump()).toEqual({ 'other-app': '1' });
  });
});

const MILESTONES = `query Overdue($after: String) {
  directive(id: "406/QĐ-TTg") { title milestones { item leadAgencies { name } } }
  milestones(first: 2, after: $after) { totalCount nodes { ...Row } pageInfo { hasNextPage endCursor } }
  agencies { edges { node { id name } } }
  provinces { code }
  search(text: "thue") { score }
}
fragment Row on Milestone { id due { text } }`;

const MILESTONES_DATA = {
  directive: { title: 'Quyết định 406', milestones: [{ item: '01', leadAgencies: [{ name: 'Bộ Công an' }, { name: 'Bộ Tư pháp' }] }] },
  milestones: {
    totalCount: 9,
    nodes: [
      { id: 'a#1', due: { text: 'Quý I/2021' } },
      { id: 'a#2', due: null },
    ],
    pageInfo: { hasNextPage: true, endCursor: 'c2' },
  },
  agencies: { edges: [{ node: { id: 'bo-cong-an', name: 'Bộ Công an' } }] },
  provinces: [{ code: '01' }],
  search: [],
};

describe('the IDE table: lists in a result', () => {
  const lists = findLists(parse(MILESTONES), undefined, MILESTONES_DATA);

  it('finds plain lists, nested lists and connections (nodes and edges.node), by the export’s dotted path', () => {
    expect(lists.map(({ path, kind, columns, rows }) => ({ path, kind, columns, rows: rows.length }))).toEqual([
      { path: 'directive.milestones', kind: 'list', columns: ['item', 'leadAgencies.name'], rows: 1 },
      { path: 'milestones', kind: 'connection', columns: ['id', 'due.text'], rows: 2 },
      { path: 'agencies', kind: 'connection', columns: ['id', 'name'], rows: 1 },
      { path: 'provinces', kind: 'list', columns: ['code'], rows: 1 },
      { path: 'search', kind: 'list', columns: ['score'], rows: 0 },
    ]);
  });

  it('flattens rows with the CSV export’s own cellValue: nested fields dotted, lists joined with "; "', () => {
    const [nested, connection] = lists;
    if (!nested || !connection) throw new Error('lists missing');
    expect(tableCells(nested)).toEqual([['01', 'Bộ Công an; Bộ Tư pháp']]);
    expect(tableCells(nested)[0]?.[1]).toBe(cellValue(MILESTONES_DATA.directive.milestones[0], ['leadAgencies', 'name']));
    expect(tableCells(connection)).toEqual([
      ['a#1', 'Quý I/2021'],
      ['a#2', ''],
    ]);
  });

  it('finds nothing without data or with an ambiguous operation', () => {
    expect(findLists(parse(MILESTONES), undefined, null)).toEqual([]);
    expect(findLists(parse('query A { provinces { code } } query B { provinces { code } }'), undefined, MILESTONES_DATA)).toEqual([]);
    expect(findLists(parse('query A { provinces { code } } query B { provinces { code } }'), 'B', MILESTONES_DATA)).toHaveLength(1);
  });
});

describe('the IDE table: sorting', () => {
  const cells = [
    ['Bộ Tư pháp', '12'],
    ['Bộ Công an', '3'],
    ['', '24'],
    ['Ủy ban nhân dân', ''],
    ['Bảo hiểm xã hội', '100'],
  ];
  const column = (rows: number[], index: number) => rows.map((row) => cells[row]?.[index]);

  it('sorts numbers as numbers, both ways, empty cells last', () => {
    expect(isNumericColumn(cells, 1)).toBe(true);
    expect(column(sortRows(cells, 1, 'ascending'), 1)).toEqual(['3', '12', '24', '100', '']);
    expect(column(sortRows(cells, 1, 'descending'), 1)).toEqual(['100', '24', '12', '3', '']);
  });

  it('sorts text in Vietnamese order (Bảo < Bộ < Ủy), the same as localeCompare(…, "vi")', () => {
    expect(isNumericColumn(cells, 0)).toBe(false);
    const ascending = column(sortRows(cells, 0, 'ascending'), 0);
    expect(ascending).toEqual(['Bảo hiểm xã hội', 'Bộ Công an', 'Bộ Tư pháp', 'Ủy ban nhân dân', '']);
    const names = ascending.filter((name): name is string => name !== undefined && name !== '');
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b, 'vi')));
    expect(column(sortRows(cells, 0, 'descending'), 0)).toEqual(['Ủy ban nhân dân', 'Bộ Tư pháp', 'Bộ Công an', 'Bảo hiểm xã hội', '']);
  });

  it('sorts five thousand rows quickly', () => {
    const many = Array.from({ length: 5_000 }, (_row, index) => [`Dịch vụ ${(index * 7919) % 5_000}`, String(index % 97)]);
    const started = performance.now();
    sortRows(many, 0, 'ascending');
    sortRows(many, 1, 'descending');
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});

describe('the IDE charts', () => {
  it('draws a bar per breakdown bucket, labelled by label, else key, else "(none)"', () => {
    const document = parse('{ byStatus: milestoneBreakdown(by: STATUS) { key n: count } byAgency: milestoneBreakdown(by: LEAD_AGENCY) { key label count } }');
    const data = {
      byStatus: [
        { key: null, n: 143 },
        { key: 'NOT_DONE', n: 22 },
      ],
      byAgency: [{ key: 'bo-tu-phap', label: 'Bộ Tư pháp', count: 12 }],
    };
    expect(findCharts(document, undefined, data)).toEqual({
      charts: [
        { kind: 'bar', title: 'byStatus', labels: [NO_VALUE_LABEL, 'NOT_DONE'], values: [143, 22] },
        { kind: 'bar', title: 'byAgency', labels: ['Bộ Tư pháp'], values: [12] },
      ],
      problems: [],
    });
  });

  it('draws a line per selected CompletionPoint count, over the report dates', () => {
    const document = parse('{ completionOverTime { asOf done notYet: notDone } }');
    const data = {
      completionOverTime: [
        { asOf: '2023-04-07', done: 0, notYet: 17 },
        { asOf: '2024-05-31', done: 2, notYet: 5 },
      ],
    };
    expect(findCharts(document, undefined, data).charts).toEqual([
      {
        kind: 'line',
        title: 'completionOverTime',
        dates: ['2023-04-07', '2024-05-31'],
        series: [
          { field: 'done', name: 'done', values: [0, 2] },
          { field: 'notDone', name: 'notYet', values: [17, 5] },
        ],
      },
    ]);
  });

  it('says what to select when a chartable field lacks what a chart needs, and ignores other fields', () => {
    const document = parse('{ milestoneBreakdown(by: STATUS) { key } completionOverTime { done } provinces { code } }');
    const found = findCharts(document, undefined, { milestoneBreakdown: [{ key: 'DONE' }], completionOverTime: [{ done: 1 }], provinces: [{ code: '01' }] });
    expect(found.charts).toEqual([]);
    expect(found.problems).toEqual([expect.stringContaining('select `count`'), expect.stringContaining('select `asOf`')]);
  });
});
