import { CITIZEN_ID_MASK, createPrivateStorage, scrubStoredItems, storableValue, type EnumerableStorage } from '../ide-client/private-storage';

/**
 * The IDE's browser-free parts, under Node: what GraphiQL may store (private-storage.ts). The
 * browser test (ide.browser.test.ts) drives the same code in Chromium.
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
  const tab = { id: 't1', hash: null, title: 'Lookup', query: LOOKUP, variables: VARIABLES_TEXT, headers: HEADERS_TEXT, operationName: 'Lookup', response: `{"data": {"citizen": {"fullName": "Nguyễn Văn A"}}}` };
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
    expect(JSON.parse(storage.getItem('graphiql:queries') ?? '')).toEqual({ queries: [{ query: LOOKUP, operationName: 'Lookup' }, { query: INLINE_LOOKUP.replace(CITIZEN_ID, CITIZEN_ID_MASK), operationName: 'Lookup' }] });
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
