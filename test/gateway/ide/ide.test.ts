import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import express from 'express';
import { createIdeRouter, IDE_CONTENT_SECURITY_POLICY, IMMUTABLE_CACHE_CONTROL, readExamples, type IdePageConfig } from '../../../src/gateway/ide/router';
import { ensureIdeBuilt, startIdeServer, type IdeTestServer } from '../../support/ide';

const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8';
const EXAMPLES_DIR = resolve(__dirname, '..', '..', '..', 'schema', 'examples');

/**
 * Hosts that appear in the bundled JavaScript as text only, never requested: SVG/XHTML/XLink
 * namespaces and Chartist's own (its `ct:` attributes), React's error-decoder link in minified
 * error messages, links in GraphiQL's UI
 * (GitHub, the CodeMirror manual; anchors the user may click) and in graphql-js's scalar
 * descriptions (IEEE 754, CommonMark), a yarn hint in an error message, and the query builder's
 * credit line ("GraphiQL Explorer by OneGraph", an anchor in its error view). The browser test
 * proves none is fetched; this list makes a new host in an upgrade visible.
 */
const TEXT_ONLY_HOSTS = [
  'codemirror.net',
  'commonmark.org',
  'en.wikipedia.org',
  'gionkunz.github.com',
  'github.com',
  'reactjs.org',
  'www.onegraph.com',
  'www.w3.org',
  'yarnpkg.com',
];

function embeddedConfig(html: string): IdePageConfig {
  const json = /<script type="application\/json" id="ide-config">([\s\S]*?)<\/script>/.exec(html)?.[1];
  if (json === undefined) throw new Error('no embedded IDE config in the page');
  return JSON.parse(json) as IdePageConfig;
}

function assetUrls(html: string): string[] {
  return [...html.matchAll(/(?:href|src)="(\/graphql\/ide\/assets\/[^"]+)"/g)].map((match) => match[1]);
}

describe('the IDE router in front of the gateway', () => {
  let ide: IdeTestServer;
  let page: Response;
  let html: string;

  beforeAll(async () => {
    ide = await startIdeServer();
    page = await fetch(`${ide.baseUrl}/graphql`, { headers: { accept: BROWSER_ACCEPT } });
    html = await page.text();
  }, 60_000);
  afterAll(async () => {
    await ide?.close();
  });

  it('answers a browser at the GraphQL URL with the IDE page, not cached, under a strict CSP', () => {
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('cache-control')).toBe('no-cache');
    expect(page.headers.get('vary')).toMatch(/Accept/);
    expect(page.headers.get('content-security-policy')).toBe(IDE_CONTENT_SECURITY_POLICY);
    expect(html).toContain('<div id="graphiql">');
    expect(assetUrls(html)).toEqual([
      expect.stringMatching(/^\/graphql\/ide\/assets\/ide-[A-Z0-9]{8}\.css$/),
      expect.stringMatching(/^\/graphql\/ide\/assets\/ide-[A-Z0-9]{8}\.js$/),
    ]);
  });

  it('allows nothing but the gateway itself in the CSP', () => {
    const directives = Object.fromEntries(
      IDE_CONTENT_SECURITY_POLICY.split(';').map((directive) => {
        const [name, ...sources] = directive.trim().split(/\s+/);
        return [name, sources];
      }),
    );
    for (const name of ['default-src', 'script-src', 'connect-src', 'font-src', 'img-src', 'style-src']) expect(directives[name]).toContain("'self'");
    expect(directives['script-src']).toEqual(["'self'"]);
    expect(directives['connect-src']).toEqual(["'self'"]);
    const allSources = Object.values(directives).flat();
    expect(allSources.filter((source) => !["'self'", "'none'", "'unsafe-inline'", 'data:'].includes(source))).toEqual([]);
  });

  it('embeds every ready-made operation with its description', async () => {
    const files = (await readdir(EXAMPLES_DIR)).filter((file) => file.endsWith('.graphql')).sort();
    const config = embeddedConfig(html);
    expect(config.graphqlPath).toBe('/graphql');
    expect(config.examples.map((example) => example.file)).toEqual(files);
    for (const example of config.examples) {
      const text = await readFile(join(EXAMPLES_DIR, example.file), 'utf8');
      expect(example.query).toBe(text);
      expect(`# ${example.audience}: ${example.description}`).toBe(text.split('\n')[0].trim());
    }
    expect(config.examples.find((example) => example.file === 'directive-page.graphql')).toMatchObject({
      title: 'DirectivePage',
      audience: 'Frontend',
      description: expect.stringContaining("a directive's page"),
    });
  });

  it('refers to no other host in the page, its stylesheet or its script', async () => {
    expect(html).not.toMatch(/https?:\/\//);
    const [cssUrl, jsUrl] = assetUrls(html);
    const css = await (await fetch(ide.baseUrl + cssUrl)).text();
    expect(css).not.toMatch(/@import/);
    const cssTargets = [...css.matchAll(/url\(\s*["']?([^"')]+)/g)].map((match) => match[1]);
    expect(cssTargets.length).toBeGreaterThan(0);
    expect(cssTargets.filter((target) => !target.startsWith('./') && !target.startsWith('data:'))).toEqual([]);
    const js = await (await fetch(ide.baseUrl + jsUrl)).text();
    const hosts = new Set([...js.matchAll(/https?:\/\/([A-Za-z0-9.-]+)/g)].map((match) => match[1].toLowerCase()));
    expect([...hosts].filter((host) => !TEXT_ONLY_HOSTS.includes(host))).toEqual([]);
  });

  it('serves the hashed assets as immutable, with their content types, precompressed when accepted', async () => {
    const manifest = JSON.parse(await readFile(join(ide.assetsDir, 'manifest.json'), 'utf8')) as { files: Record<string, string> };
    const font = Object.values(manifest.files).find((file) => file.endsWith('.woff2'));
    const cases: Array<[string, string]> = [
      [manifest.files['ide.js'], 'text/javascript; charset=utf-8'],
      [manifest.files['ide.css'], 'text/css; charset=utf-8'],
      [font ?? 'missing.woff2', 'font/woff2'],
    ];
    for (const [file, contentType] of cases) {
      const response = await fetch(`${ide.baseUrl}/graphql/ide/assets/${file}`, { headers: { 'accept-encoding': 'identity' } });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe(contentType);
      expect(response.headers.get('cache-control')).toBe(IMMUTABLE_CACHE_CONTROL);
      expect(response.headers.get('content-encoding')).toBeNull();
      expect(Buffer.from(await response.arrayBuffer()).equals(await readFile(join(ide.assetsDir, 'assets', file)))).toBe(true);
    }
    const original = await readFile(join(ide.assetsDir, 'assets', manifest.files['ide.js']), 'utf8');
    for (const encoding of ['br', 'gzip']) {
      // fetch decodes the body; the header says what went over the wire.
      const response = await fetch(`${ide.baseUrl}/graphql/ide/assets/${manifest.files['ide.js']}`, { headers: { 'accept-encoding': encoding } });
      expect(response.headers.get('content-encoding')).toBe(encoding);
      expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
      expect(response.headers.get('vary')).toMatch(/Accept-Encoding/);
      expect(await response.text()).toBe(original);
    }
  });

  it('answers 404 for anything else under the assets path, without caching it', async () => {
    for (const path of ['ide-AAAAAAAA.js', '..%2Fmanifest.json', 'manifest.json', '.hidden.js', 'nested/ide.js']) {
      const response = await fetch(`${ide.baseUrl}/graphql/ide/assets/${path}`);
      expect({ path, status: response.status }).toEqual({ path, status: 404 });
      expect(response.headers.get('cache-control')).toBeNull();
    }
  });

  it('leaves GraphQL GET and POST to Apollo', async () => {
    const query = '{ directive(id: "406/qd-ttg") { id title } }';
    // Apollo's CSRF prevention wants a preflight-forcing header on GET.
    const viaGet = await fetch(`${ide.baseUrl}/graphql?query=${encodeURIComponent(query)}`, { headers: { accept: 'application/json', 'apollo-require-preflight': 'true' } });
    expect(viaGet.status).toBe(200);
    expect(((await viaGet.json()) as { data: { directive: { id: string } } }).data.directive.id).toBe('406/QĐ-TTg');

    // A browser opening a GET query URL is left to Apollo as well (what Apollo answers is its landing-page setting).
    const browserGet = await fetch(`${ide.baseUrl}/graphql?query=${encodeURIComponent(query)}`, { headers: { accept: BROWSER_ACCEPT } });
    expect(await browserGet.text()).not.toContain('ide-config');

    const viaPost = await fetch(`${ide.baseUrl}/graphql`, {
      method: 'POST',
      headers: { accept: BROWSER_ACCEPT, 'content-type': 'application/json' },
      body: JSON.stringify({ query }),
    });
    expect(viaPost.status).toBe(200);
    expect(((await viaPost.json()) as { data: { directive: { id: string } } }).data.directive.id).toBe('406/QĐ-TTg');

    // curl's `Accept: */*` is a GraphQL client, not a browser.
    const curlLike = await fetch(`${ide.baseUrl}/graphql`, { headers: { accept: '*/*' } });
    expect(await curlLike.text()).not.toContain('ide-config');
  });

  it('answers HEAD like GET, without a body', async () => {
    const response = await fetch(`${ide.baseUrl}/graphql`, { method: 'HEAD', headers: { accept: BROWSER_ACCEPT } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toBe(IDE_CONTENT_SECURITY_POLICY);
    expect(await response.text()).toBe('');
  });
});

describe('the IDE router on its own', () => {
  let server: Server | undefined;
  let scratch: string;

  beforeEach(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'dvc-ide-test-'));
  });
  afterEach(async () => {
    if (server) await new Promise((done) => server?.close(done));
    server = undefined;
    await rm(scratch, { recursive: true, force: true });
  });

  async function serve(options: Parameters<typeof createIdeRouter>[0]): Promise<string> {
    const app = express();
    app.use(createIdeRouter(options));
    app.use((_req, res) => {
      res.status(418).send('fallback');
    });
    server = createHttpServer(app);
    await new Promise<void>((done) => server?.listen(0, '127.0.0.1', done));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  it('says to build the IDE when dist/ide is missing, rather than falling through', async () => {
    const base = await serve({ assetsDir: undefined, examplesDir: scratch, graphqlPath: '/graphql' });
    const response = await fetch(`${base}/graphql`, { headers: { accept: BROWSER_ACCEPT } });
    expect(response.status).toBe(503);
    expect(await response.text()).toContain('npm run build');
    expect((await fetch(`${base}/graphql`, { headers: { accept: 'application/json' } })).status).toBe(418);
  });

  it('reads the examples at each page load, with or without an audience label', async () => {
    await writeFile(join(scratch, 'b.graphql'), '# Analyst: counts by status.\nquery ByStatus { milestoneBreakdown(by: STATUS) { key count } }\n');
    await writeFile(join(scratch, 'a.graphql'), '# just a note\n{ directives { totalCount } }\n');
    await writeFile(join(scratch, 'notes.txt'), 'not an operation');
    expect(await readExamples(scratch)).toEqual([
      { file: 'a.graphql', title: 'a', audience: '', description: 'just a note', query: '# just a note\n{ directives { totalCount } }\n' },
      { file: 'b.graphql', title: 'ByStatus', audience: 'Analyst', description: 'counts by status.', query: expect.stringContaining('query ByStatus') },
    ]);
    expect(await readExamples(join(scratch, 'missing'))).toEqual([]);
  });

  it('escapes the embedded examples so they cannot close the script element', async () => {
    await writeFile(join(scratch, 'x.graphql'), '# Frontend: </script><script>alert(1)</script>\n{ __typename }\n');
    const base = await serve({ assetsDir: ensureIdeBuilt(), examplesDir: scratch, graphqlPath: '/api/graphql' });
    const html = await (await fetch(`${base}/api/graphql`, { headers: { accept: BROWSER_ACCEPT } })).text();
    expect(html).not.toContain('</script><script>alert(1)');
    expect(embeddedConfig(html).examples[0].description).toBe('</script><script>alert(1)</script>');
    expect(html).toMatch(/src="\/api\/graphql\/ide\/assets\/ide-[A-Z0-9]{8}\.js"/);
  });
});
