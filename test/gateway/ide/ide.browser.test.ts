import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { TestStack } from '../../support/stack';
import { startIdeServer, type IdeTestServer } from '../../support/ide';

/**
 * The IDE in a real browser (Debian's Chromium, driven by playwright-core) against a real
 * gateway over the seeded catalogue: ready-made operations, the storage of keys and citizen
 * IDs, the query builder, the table, the CSV download and the charts; and in every test, that
 * the page never asked any host but the gateway for anything.
 */
const CHROMIUM = '/usr/bin/chromium';
const maybe = existsSync(CHROMIUM) ? describe : describe.skip;
if (!existsSync(CHROMIUM)) {
  console.warn(`Skipping the IDE browser test: ${CHROMIUM} is missing (apt-get install chromium; .ci/run installs it).`);
}

const ARTIFACTS = resolve(__dirname, '..', '..', '..', 'test-artifacts');
const screenshot = (name: string) => resolve(ARTIFACTS, `${name}.png`);

/** The text CodeMirror shows in the result panel (it renders only visible lines; the checked values are near the top). */
async function resultText(page: Page): Promise<string> {
  return (await page.locator('.result-window').textContent()) ?? '';
}

/** The whole text of a CodeMirror editor (the DOM holds only the lines in view). */
async function editorValue(page: Page, selector: string): Promise<string> {
  return page
    .locator(`${selector} .CodeMirror`)
    .first()
    .evaluate((element) => (element as unknown as { CodeMirror: { getValue(): string } }).CodeMirror.getValue());
}

interface StorageSnapshot {
  local: Record<string, string>;
  session: Record<string, string>;
}

/** The page's Web Storage as the functions below see it (this tsconfig has no DOM types). */
interface PageStorage {
  localStorage: Record<string, string> & { getItem(key: string): string | null };
  sessionStorage: Record<string, string>;
}

/** The table's body as text, row by row (only the rows drawn: all of them for short lists). */
async function tableRows(page: Page): Promise<string[][]> {
  const rows = page.locator('.ide-table tbody tr:not(.ide-table-spacer)');
  const count = await rows.count();
  return Promise.all(Array.from({ length: count }, (_row, index) => rows.nth(index).locator('td').allTextContents()));
}

/** Waits until each of `keys` in localStorage holds `text`. */
async function waitForStored(page: Page, keys: string[], text: string): Promise<void> {
  await page.waitForFunction(
    ([names, wanted]) => names.every((name) => (globalThis as unknown as PageStorage).localStorage.getItem(name)?.includes(wanted)),
    [keys, text] as const,
    { timeout: 10_000 },
  );
}

/** Everything in the page's localStorage and sessionStorage. Functions, not strings: the CSP forbids eval. */
function readStorage(page: Page): Promise<StorageSnapshot> {
  return page.evaluate(() => {
    const { localStorage, sessionStorage } = globalThis as unknown as PageStorage;
    return { local: { ...localStorage }, session: { ...sessionStorage } };
  });
}

/** Types into the Variables or Headers editor below the query. */
async function fillEditorTool(page: Page, tool: 'Variables' | 'Headers', text: string): Promise<void> {
  await page.locator('.graphiql-editor-tools button', { hasText: tool }).click();
  await page.locator('.graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror').click();
  await page.keyboard.press('Control+A');
  await page.keyboard.insertText(text);
}

interface IdeSession {
  context: BrowserContext;
  page: Page;
  /** Every URL the page requested. */
  requests: string[];
  /** Headers of every POST to the GraphQL endpoint and the export endpoint, by path. */
  posts: Array<{ path: string; headers: Record<string, string> }>;
  /** Console errors and uncaught exceptions. */
  problems: string[];
}

/** A fresh context (a new temporary profile: no stored tabs, history or keys) on the IDE page. */
async function openIde(browser: Browser, ide: IdeTestServer): Promise<IdeSession> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, acceptDownloads: true });
  // Well inside jest's timeout, so a step that waits in vain fails with its own message.
  context.setDefaultTimeout(15_000);
  const session: IdeSession = { context, page: await context.newPage(), requests: [], posts: [], problems: [] };
  context.on('request', (request) => {
    session.requests.push(request.url());
    if (request.method() === 'POST' && !request.url().startsWith('data:')) session.posts.push({ path: new URL(request.url()).pathname, headers: request.headers() });
  });
  session.page.on('console', (message) => {
    if (message.type() === 'error') session.problems.push(message.text());
  });
  session.page.on('pageerror', (error) => session.problems.push(error.message));
  const response = await session.page.goto(`${ide.baseUrl}/graphql`);
  expect(response?.status()).toBe(200);
  await session.page.locator('.ide-example').first().waitFor({ timeout: 15_000 });
  return session;
}

/** Runs `steps`, saving a screenshot when they fail; then checks that nothing went to another host. */
async function inIde(browser: Browser, ide: IdeTestServer, name: string, steps: (session: IdeSession) => Promise<void>, allowedProblems = /^$/): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const session = await openIde(browser, ide);
  try {
    await steps(session);
  } catch (error) {
    await session.page.screenshot({ path: screenshot(`${name}-failure`) }).catch(() => undefined);
    throw error;
  } finally {
    await session.context.close();
  }
  const origin = new URL(ide.baseUrl).origin;
  const elsewhere = session.requests.filter((url) => !url.startsWith('data:') && !url.startsWith('blob:') && new URL(url).origin !== origin);
  expect(elsewhere).toEqual([]);
  expect(session.requests.filter((url) => url.includes('/graphql/ide/assets/')).length).toBeGreaterThanOrEqual(2);
  // No CSP violation nor script error.
  expect(session.problems.filter((text) => !allowedProblems.test(text))).toEqual([]);
}

interface Bucket {
  key: string | null;
  count: number;
}

/** A bucket's row as the CSV export flattens it: null is an empty cell. */
const csvRow = (bucket: Bucket) => [bucket.key ?? '', String(bucket.count)];

/** In a new, emptied tab, ticks milestoneBreakdown, then its key and count, in the query builder. */
async function buildBreakdownByClicks(page: Page): Promise<void> {
  await page.locator('.graphiql-tab-add').click();
  await page.locator('.graphiql-query-editor .CodeMirror').click();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Backspace');
  await page.locator('button[aria-label="Show Query builder (explorer)"]').click();
  // Its required `by` gets the first dimension, STATUS.
  await page.locator('span[data-field-name="milestoneBreakdown"]').click();
  const fields = page.locator('div[class="graphiql-explorer-milestoneBreakdown"]');
  await fields.locator('span[data-field-name="key"]').click();
  await fields.locator('span[data-field-name="count"]').click();
  await expect(editorValue(page, '.graphiql-query-editor')).resolves.toMatch(/^query MyQuery \{\s*milestoneBreakdown\(by: STATUS\) \{\s*key\s+count\s*\}\s*\}\s*$/);
}

/** The table shows the result's rows and columns, and sorts `count` as numbers both ways. */
async function expectSortableTable(page: Page, buckets: Bucket[]): Promise<void> {
  await page.locator('.ide-view-switch [data-view="table"]').click();
  const table = page.locator('.ide-table');
  await expect(table.locator('thead th').allTextContents()).resolves.toEqual(['key', 'count']);
  await expect(tableRows(page)).resolves.toEqual(buckets.map(csvRow));
  await expect(page.locator('.ide-row-count').textContent()).resolves.toBe(`${buckets.length} rows`);

  const countHeader = table.locator('thead th').nth(1);
  const shownCounts = () => tableRows(page).then((rows) => rows.map((row) => Number(row[1])));
  const counts = buckets.map((bucket) => bucket.count);
  await countHeader.locator('button').click();
  await expect(countHeader.getAttribute('aria-sort')).resolves.toBe('ascending');
  await expect(shownCounts()).resolves.toEqual([...counts].sort((a, b) => a - b));
  await countHeader.locator('button').click();
  await expect(countHeader.getAttribute('aria-sort')).resolves.toBe('descending');
  await expect(shownCounts()).resolves.toEqual([...counts].sort((a, b) => b - a));
}

/** Download CSV saves the same rows, in the result's order, fetched through the export endpoint. */
async function expectCsvDownload(page: Page, buckets: Bucket[]): Promise<void> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('.ide-results-action', { hasText: 'Download CSV' }).click()]);
  expect(download.suggestedFilename()).toBe('milestoneBreakdown.csv');
  const csv = readFileSync(await download.path(), 'utf8');
  expect(csv.startsWith('\uFEFF')).toBe(true);
  expect(csv.slice(1).trimEnd().split('\r\n')).toEqual(['key,count', ...buckets.map((bucket) => csvRow(bucket).join(','))]);
  await page.locator('.ide-download-status', { hasText: 'Saved milestoneBreakdown.csv' }).waitFor();
}

/** One bar per bucket, labelled by key ("(none)" for null), the count in its tooltip. */
async function expectBarChart(page: Page, buckets: Bucket[]): Promise<void> {
  await page.locator('.ide-view-switch [data-view="chart"]').click();
  const chart = page.locator('.ide-chart[data-chart="bar"]');
  // Bars and a line's points are SVG lines, zero-height boxes to Playwright: attached, not "visible".
  await chart.locator('.ct-bar').first().waitFor({ state: 'attached' });
  await expect(chart.locator('.ct-bar').count()).resolves.toBe(buckets.length);
  const labelOf = (bucket: Bucket) => bucket.key ?? '(none)';
  const sorted = (texts: string[]) => [...texts].sort();
  await expect(chart.locator('.ct-label.ct-vertical').allTextContents().then(sorted)).resolves.toEqual(sorted(buckets.map(labelOf)));
  await expect(chart.locator('.ct-bar title').allTextContents().then(sorted)).resolves.toEqual(sorted(buckets.map((bucket) => `${labelOf(bucket)}: ${bucket.count}`)));
}

/** The CompletionOverTime example, run in its own tab: a line per count, a point per report date. */
async function expectCompletionLineChart(page: Page, reportDates: string[]): Promise<void> {
  await page.locator('button[aria-label="Show Ready-made operations"]').click();
  await page.locator('.ide-example[data-example="completion-over-time.graphql"]').click();
  // GraphiQL reads the operation name 100 ms after an edit; the tab's title shows it has.
  await page.locator('.graphiql-tab-active', { hasText: 'CompletionOverTime' }).waitFor();
  // A new tab has no run of its own yet, whatever ran in the other tab.
  await page.locator('.ide-results-empty', { hasText: 'Run the operation' }).waitFor();
  await page.locator('.graphiql-execute-button').click();
  const chart = page.locator('.ide-chart[data-chart="line"]');
  await chart.locator('.ct-line').first().waitFor({ state: 'attached' });
  await expect(chart.locator('.ct-line').count()).resolves.toBe(3);
  await expect(chart.locator('.ct-point').count()).resolves.toBe(3 * reportDates.length);
  await expect(chart.locator('.ide-chart-legend li').allTextContents()).resolves.toEqual(['done', 'partial', 'notDone']);
  await expect(chart.locator('.ct-label.ct-horizontal').allTextContents()).resolves.toEqual(reportDates);
}

maybe('the GraphQL IDE in headless Chromium', () => {
  let t: TestStack;
  let ide: IdeTestServer;
  let browser: Browser;

  beforeAll(async () => {
    ide = await startIdeServer();
    t = ide.stack;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        // As on a machine without internet: no name but the gateway's address resolves.
        '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
      ],
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await ide?.close();
  });

  it('runs a ready-made operation and shows the seeded data, asking nothing of any other host', async () => {
    // The failed key below is a 401 the console reports; nothing else may appear there.
    await inIde(
      browser,
      ide,
      'ide',
      async ({ page, posts }) => {
        // The examples pane is open on arrival; choose the directive page.
        const example = page.locator('.ide-example[data-example="directive-page.graphql"]');
        await expect(example.textContent()).resolves.toContain("a directive's page");
        await example.click();
        await page.locator('.graphiql-query-editor', { hasText: 'query DirectivePage' }).waitFor();

        await page.locator('.graphiql-execute-button').click();
        await page.locator('.result-window', { hasText: '"406/QĐ-TTg"' }).waitFor({ timeout: 15_000 });
        const result = await resultText(page);
        expect(result).toContain('"406/QĐ-TTg"');
        expect(result).toContain('Vũ Đức Đam');

        await page.screenshot({ path: screenshot('ide') });

        // The headers editor reaches the gateway: a made-up key is refused with UNAUTHENTICATED.
        await fillEditorTool(page, 'Headers', '{"Authorization": "Bearer dvc_not-a-real-key"}');
        await page.keyboard.press('Control+Enter');
        await page.locator('.result-window', { hasText: 'UNAUTHENTICATED' }).waitFor({ timeout: 15_000 });
        expect(posts.some(({ headers }) => headers.authorization === 'Bearer dvc_not-a-real-key')).toBe(true);

        // Choosing an example over the user's own query keeps that query in its tab and opens a new one.
        await page.locator('.graphiql-query-editor .CodeMirror').click();
        await page.keyboard.press('Control+A');
        await page.keyboard.insertText('{ mine: __typename }');
        await page.locator('.ide-example[data-example="search.graphql"]').click();
        await page.locator('.graphiql-query-editor', { hasText: 'query Search' }).waitFor();
        await expect(page.locator('.graphiql-tab').count()).resolves.toBe(2);
        await page.locator('.graphiql-tab').first().locator('button').first().click();
        await page.locator('.graphiql-query-editor', { hasText: 'mine: __typename' }).waitFor();

        // GraphiQL's dialogs inject a <style> element: one reason the CSP allows inline styles.
        // The "Persist headers" switch is gone: headers are never stored (next test).
        await page.locator('button[aria-label="Open settings dialog"]').click();
        await page.getByText('Clear storage').waitFor();
        await expect(page.getByText('Persist headers').count()).resolves.toBe(0);
        await page.keyboard.press('Escape');
      },
      /status of 401/,
    );
  });

  it('keeps API keys and citizen IDs out of the browser storage, as the welcome text says', async () => {
    const key = await t.key('officer', { name: 'ide officer' });
    const citizenId = '001203004567';
    await inIde(browser, ide, 'ide-storage', async ({ page, posts }) => {
      // The welcome text says what is kept and what is not.
      const welcome = (await editorValue(page, '.graphiql-query-editor')).replace(/\n#\s*/g, ' ');
      expect(welcome).toContain('Headers and variables are never stored in the browser');
      expect(welcome).toContain('Queries, tabs and history are stored in this browser without them, and with 12-digit numbers (citizen IDs) removed');

      await page.locator('.graphiql-query-editor .CodeMirror').click();
      await page.keyboard.press('Control+A');
      await page.keyboard.insertText('query CitizenLookup($id: ID!) { citizen(id: $id, purpose: RESIDENCE_VERIFICATION) { fullName } }');
      await fillEditorTool(page, 'Variables', `{"id": "${citizenId}"}`);
      await fillEditorTool(page, 'Headers', `{"Authorization": "Bearer ${key}"}`);
      await page.keyboard.press('Control+Enter');
      // The lookup crosses the gateway, the population subgraph and the stub: the key was accepted.
      await page.locator('.result-window', { hasText: '"citizen"' }).waitFor({ timeout: 15_000 });
      await expect(page.locator('.result-window').textContent()).resolves.not.toContain('UNAUTHENTICATED');
      expect(posts.some(({ path, headers }) => path === '/graphql' && headers.authorization === `Bearer ${key}`)).toBe(true);

      // Tabs, the current query and the history have been written; GraphiQL's debounced writes
      // (500 ms after an edit) have had their time.
      await waitForStored(page, ['graphiql:tabState', 'graphiql:query', 'graphiql:queries'], 'CitizenLookup');
      await page.waitForTimeout(1_500);
      const withHistory = await readStorage(page);

      // Favourites have a key of their own; starring moves the entry there from the history.
      await page.locator('button[aria-label="Show History"]').click();
      const historyItem = page.locator('.graphiql-history-item', { hasText: 'CitizenLookup' });
      await historyItem.hover();
      await historyItem.locator('button[aria-label="Add favorite"]').click();
      await waitForStored(page, ['graphiql:favorites'], 'CitizenLookup');
      const withFavourite = await readStorage(page);

      for (const stored of [withHistory, withFavourite]) {
        const everything = JSON.stringify(stored);
        expect(everything).toContain('CitizenLookup');
        expect(everything).not.toContain(key);
        expect(everything).not.toContain(key.slice(-20));
        expect(everything).not.toContain(citizenId);
        expect(Object.keys(stored.local)).not.toContain('graphiql:headers');
        expect(Object.keys(stored.local)).not.toContain('graphiql:variables');
      }

      // A reload keeps the query and forgets the key and the variables.
      await page.reload();
      await page.locator('.graphiql-query-editor', { hasText: 'CitizenLookup' }).waitFor({ timeout: 15_000 });
      expect(await editorValue(page, '.graphiql-editor-tool .graphiql-editor')).toBe('');
      const afterReload = JSON.stringify(await readStorage(page));
      expect(afterReload).not.toContain(key);
      expect(afterReload).not.toContain(citizenId);
    });
  });

  it('builds a breakdown in the query builder, shows it as a sortable table, downloads it as CSV and charts it', async () => {
    const key = await t.key('analyst', { name: 'ide analyst' });
    const breakdown = await t.graphql<{ milestoneBreakdown: Bucket[] }>('{ milestoneBreakdown(by: STATUS) { key count } }');
    const buckets = breakdown.body.data?.milestoneBreakdown ?? [];
    expect(buckets.length).toBeGreaterThan(2);
    const completion = await t.graphql<{ completionOverTime: Array<{ asOf: string }> }>('{ completionOverTime(filter: { leadAgencyIds: ["bo-tu-phap"] }) { asOf } }');
    const reportDates = (completion.body.data?.completionOverTime ?? []).map((point) => point.asOf);
    expect(reportDates.length).toBeGreaterThan(1);

    await inIde(browser, ide, 'ide-results', async ({ page, posts }) => {
      await buildBreakdownByClicks(page);
      await page.screenshot({ path: screenshot('ide-explorer') });
      await fillEditorTool(page, 'Headers', `{"Authorization": "Bearer ${key}"}`);
      await page.locator('.graphiql-tab-active', { hasText: 'MyQuery' }).waitFor();
      await page.locator('.graphiql-execute-button').click();
      await page.locator('.result-window', { hasText: '"count"' }).waitFor();

      await expectSortableTable(page, buckets);
      await page.screenshot({ path: screenshot('ide-table') });
      await expectCsvDownload(page, buckets);
      expect(posts.some(({ path, headers }) => path === '/graphql/export.csv' && headers.authorization === `Bearer ${key}`)).toBe(true);
      await expectBarChart(page, buckets);
      await page.screenshot({ path: screenshot('ide-bar-chart') });
      await expectCompletionLineChart(page, reportDates);
      await page.screenshot({ path: screenshot('ide-line-chart') });
    });
  });
});
