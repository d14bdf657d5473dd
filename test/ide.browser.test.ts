import { existsSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startTestGateway, type TestGateway } from './support/gateway';
import { startIdeServer, type IdeTestServer } from './support/ide';

/**
 * The IDE in a real browser (Debian's Chromium, driven by playwright-core) against a real
 * gateway over the seeded catalogue: choose a ready-made operation, run it, read the result,
 * and check that the page never asked any host but the gateway for anything.
 */
const CHROMIUM = '/usr/bin/chromium';
const maybe = existsSync(CHROMIUM) ? describe : describe.skip;
if (!existsSync(CHROMIUM)) {
  console.warn(`Skipping the IDE browser test: ${CHROMIUM} is missing (apt-get install chromium; .ci/run installs it).`);
}

const SCREENSHOT = resolve(__dirname, '..', 'test-artifacts', 'ide.png');

/** The text CodeMirror shows in the result panel (it renders only visible lines; the checked values are near the top). */
async function resultText(page: Page): Promise<string> {
  return (await page.locator('.result-window').textContent()) ?? '';
}

maybe('the GraphQL IDE in headless Chromium', () => {
  let t: TestGateway;
  let ide: IdeTestServer;
  let browser: Browser;

  beforeAll(async () => {
    t = await startTestGateway();
    ide = await startIdeServer(t);
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
    await t?.close();
  });

  it('runs a ready-made operation and shows the seeded data, asking nothing of any other host', async () => {
    // A fresh context: a new temporary profile, no stored tabs or history.
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const requests: string[] = [];
    const graphqlHeaders: Array<Record<string, string>> = [];
    context.on('request', (request) => {
      requests.push(request.url());
      if (request.method() === 'POST' && new URL(request.url()).pathname === '/graphql') graphqlHeaders.push(request.headers());
    });
    const problems: string[] = [];
    const page = await context.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
    mkdirSync(resolve(SCREENSHOT, '..'), { recursive: true });

    try {
      const response = await page.goto(`${ide.baseUrl}/graphql`);
      expect(response?.status()).toBe(200);

      // The examples pane is open on arrival; choose the directive page.
      const example = page.locator('.ide-example[data-example="directive-page.graphql"]');
      await example.waitFor({ timeout: 15_000 });
      await expect(example.textContent()).resolves.toContain("a directive's page");
      await example.click();
      await page.locator('.graphiql-query-editor', { hasText: 'query DirectivePage' }).waitFor();

      await page.locator('.graphiql-execute-button').click();
      await page.locator('.result-window', { hasText: '"406/QĐ-TTg"' }).waitFor({ timeout: 15_000 });
      const result = await resultText(page);
      expect(result).toContain('"406/QĐ-TTg"');
      expect(result).toContain('Vũ Đức Đam');

      await page.screenshot({ path: SCREENSHOT });

      // The headers editor reaches the gateway: a made-up key is refused with UNAUTHENTICATED.
      await page.locator('.graphiql-editor-tools button', { hasText: 'Headers' }).click();
      const headerEditor = page.locator('.graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror');
      await headerEditor.click();
      await page.keyboard.insertText('{"Authorization": "Bearer dvc_not-a-real-key"}');
      await page.keyboard.press('Control+Enter');
      await page.locator('.result-window', { hasText: 'UNAUTHENTICATED' }).waitFor({ timeout: 15_000 });
      expect(graphqlHeaders.some((headers) => headers.authorization === 'Bearer dvc_not-a-real-key')).toBe(true);

      // Choosing an example over the user's own query keeps that query in its tab and opens a new one.
      await page.locator('.graphiql-query-editor .CodeMirror').click();
      await page.keyboard.press('Control+A');
      await page.keyboard.insertText('{ mine: __typename }');
      await page.locator('.ide-example[data-example="search.graphql"]').click();
      await page.locator('.graphiql-query-editor', { hasText: 'query Search' }).waitFor();
      await expect(page.locator('.graphiql-tab').count()).resolves.toBe(2);
      await page.locator('.graphiql-tab').first().locator('button').first().click();
      await page.locator('.graphiql-query-editor', { hasText: 'mine: __typename' }).waitFor();

      // GraphiQL's dialogs inject a <style> element: the reason the CSP allows inline styles.
      await page.locator('button[aria-label="Open settings dialog"]').click();
      await page.getByText('Persist headers').waitFor();
      await page.keyboard.press('Escape');
    } catch (error) {
      await page.screenshot({ path: SCREENSHOT.replace(/\.png$/, '-failure.png') }).catch(() => undefined);
      throw error;
    } finally {
      await context.close();
    }

    const origin = new URL(ide.baseUrl).origin;
    const elsewhere = requests.filter((url) => !url.startsWith('data:') && new URL(url).origin !== origin);
    expect(elsewhere).toEqual([]);
    expect(requests.filter((url) => url.includes('/graphql/ide/assets/')).length).toBeGreaterThanOrEqual(2);
    // No CSP violation nor script error; the failed key above is a 401 the console reports, nothing else.
    expect(problems.filter((text) => !/status of 401/.test(text))).toEqual([]);
  });
});
