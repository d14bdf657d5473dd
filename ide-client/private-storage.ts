/**
 * What GraphiQL may keep in the browser. GraphiQL writes the headers text (an API key) and the
 * variables (citizen IDs) into localStorage in several places: its `headers` and `variables`
 * keys, every tab of `tabState`, and every entry of the query history (`queries`) and of the
 * favourites (`favorites`); `shouldPersistHeaders={false}` covers only the first two places for
 * headers, and none for variables. This wrapper sits between GraphiQL and localStorage and
 * stores only what it knows to be harmless:
 *
 * - headers and variables: never; they live in the page's memory until it is closed or reloaded;
 * - query text (current query, tabs, history, favourites): kept, with any 12-digit number
 *   (the form of a citizen ID, CCCD) replaced by CITIZEN_ID_MASK;
 * - layout and preferences (theme, pane sizes, open pane): kept as they are;
 * - any other key: not stored, so that a key a GraphiQL upgrade adds is private until reviewed.
 *
 * No DOM types here: test/ide-client.test.ts runs it under Node with an in-memory store.
 */

/** The part of the Web Storage API that GraphiQL uses (@graphiql/toolkit's `Storage`). */
export interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
  clear(): void;
  readonly length: number;
}

/** A browser's Storage: StorageLike plus enumeration, which scrubbing existing items needs. */
export interface EnumerableStorage extends StorageLike {
  key(index: number): string | null;
}

/** GraphiQL's StorageAPI prefixes every key with this. */
export const GRAPHIQL_PREFIX = 'graphiql:';

/** What replaces a 12-digit number in stored query text. */
export const CITIZEN_ID_MASK = '<citizen ID removed>';

/** Kept verbatim: preferences and layout, nothing typed by the user. */
const PREFERENCE_KEYS = new Set(['theme', 'visiblePlugin', 'docExplorerFlex', 'editorFlex', 'secondaryEditorFlex', 'shouldPersistHeaders', 'operationName']);

/** A CCCD is 12 digits; nothing else in this gateway's queries is a 12-digit number. */
const CITIZEN_ID = /\b\d{12}\b/g;

export function maskCitizenIds(text: string): string {
  return text.replace(CITIZEN_ID, CITIZEN_ID_MASK);
}

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A tab or a history entry without headers, variables or response, and with masked query text. */
function withoutPrivateFields(entry: unknown, empty: null | undefined): unknown {
  if (!isObject(entry)) return entry;
  const query = typeof entry.query === 'string' ? maskCitizenIds(entry.query) : entry.query;
  // Tabs must keep the properties (GraphiQL's isTabState wants string or null); history entries just lose them.
  return { ...entry, query, headers: empty, variables: empty, ...('response' in entry ? { response: null } : {}) };
}

/** `{"tabs": [...], "activeTabIndex": n}` with every tab cleaned. */
function cleanTabState(value: unknown): unknown {
  if (!isObject(value) || !Array.isArray(value.tabs)) return undefined;
  return { ...value, tabs: value.tabs.map((tab) => withoutPrivateFields(tab, null)) };
}

/** `{"queries": [...]}` or `{"favorites": [...]}` (@graphiql/toolkit's QueryStore) with every entry cleaned. */
function cleanQueryStore(name: string, value: unknown): unknown {
  if (!isObject(value) || !Array.isArray(value[name])) return undefined;
  return { [name]: value[name].map((entry) => withoutPrivateFields(entry, undefined)) };
}

function rewriteJson(value: string, clean: (parsed: unknown) => unknown): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return undefined; // What cannot be read cannot be vouched for.
  }
  const cleaned = clean(parsed);
  return cleaned === undefined ? undefined : JSON.stringify(cleaned);
}

/** The value that may be stored under `key`, or undefined when nothing may be. */
export function storableValue(key: string, value: string): string | undefined {
  if (!key.startsWith(GRAPHIQL_PREFIX)) return undefined;
  const name = key.slice(GRAPHIQL_PREFIX.length);
  if (PREFERENCE_KEYS.has(name)) return value;
  switch (name) {
    case 'query':
      return maskCitizenIds(value);
    case 'tabState':
      return rewriteJson(value, cleanTabState);
    case 'queries':
    case 'favorites':
      return rewriteJson(value, (parsed) => cleanQueryStore(name, parsed));
    default:
      // `headers`, `variables`, and whatever a later GraphiQL adds.
      return undefined;
  }
}

function graphiqlKeys(backing: EnumerableStorage): string[] {
  const keys: string[] = [];
  for (let index = 0; index < backing.length; index += 1) {
    const key = backing.key(index);
    if (key?.startsWith(GRAPHIQL_PREFIX)) keys.push(key);
  }
  return keys;
}

/** Rewrites what an earlier version of the page left behind (keys, variables, history with headers). */
export function scrubStoredItems(backing: EnumerableStorage): void {
  for (const key of graphiqlKeys(backing)) {
    const value = backing.getItem(key);
    const storable = value === null ? undefined : storableValue(key, value);
    if (storable === undefined) backing.removeItem(key);
    else if (storable !== value) backing.setItem(key, storable);
  }
}

/**
 * The `storage` GraphiQL gets: reads pass through, writes store only `storableValue`. Scrubs the
 * existing items first. `clear` and `length` cover GraphiQL's keys only, like GraphiQL's own default.
 */
export function createPrivateStorage(backing: EnumerableStorage): StorageLike {
  scrubStoredItems(backing);
  return {
    getItem: (key) => backing.getItem(key),
    setItem(key, value) {
      const storable = storableValue(key, value);
      if (storable === undefined) backing.removeItem(key);
      else backing.setItem(key, storable);
    },
    removeItem: (key) => backing.removeItem(key),
    clear() {
      for (const key of graphiqlKeys(backing)) backing.removeItem(key);
    },
    get length() {
      return graphiqlKeys(backing).length;
    },
  };
}
