import { existsSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';

/**
 * The browser IDE (GraphiQL) at the GraphQL URL: a browser asking `GET /graphql` for HTML gets
 * the IDE page; every other request falls through to Apollo. The page's scripts, styles and
 * fonts are built offline by scripts/build-ide.js into dist/ide and served from here, so the
 * IDE makes no request to any other host. See src/gateway/ide/README.md.
 */

export interface IdeRouterOptions {
  /**
   * dist/ide as written by scripts/build-ide.js (manifest.json + assets/), usually `findIdeAssets()`.
   * Undefined or not built: browsers get a 503 page saying to run `npm run build`.
   */
  assetsDir: string | undefined;
  /** The ready-made operations (`*.graphql`, first line `# Audience: description`), read at each page load. */
  examplesDir: string;
  /** Where Apollo is mounted, e.g. "/graphql"; the assets live under `<graphqlPath>/ide/assets/`. */
  graphqlPath: string;
}

export type { IdeExample, IdePageConfig } from './page-config';
import type { IdeExample, IdePageConfig } from './page-config';
import { projectPath } from '../../platform/paths';

interface IdeManifest {
  /** Logical name (e.g. "ide.js") → hashed file name in assets/. */
  files: Record<string, string>;
}

/**
 * Nothing but the gateway itself. Styles allow 'unsafe-inline' because GraphiQL's dialogs
 * (Radix, via react-remove-scroll) inject a <style> element and the charts (Chartist) set
 * style attributes on their SVG; scripts get no such allowance.
 */
export const IDE_CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'self'",
].join('; ');

/** Hashed file names never change content: cache them for a year without revalidating. */
export const IMMUTABLE_CACHE_CONTROL = 'public, max-age=31536000, immutable';

const ASSET_TYPES: Readonly<Record<string, string>> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
};
/** The build writes .br and .gz next to these. */
const PRECOMPRESSED = new Set(['.js', '.css']);
const ENCODING_SUFFIX: Readonly<Record<string, string>> = { br: '.br', gzip: '.gz' };
/** A plain file name: no path separators, no leading dot. */
const ASSET_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** dist/ide as scripts/build-ide.js writes it; undefined when not built. */
export function findIdeAssets(): string | undefined {
  const dir = projectPath('dist', 'ide');
  return existsSync(join(dir, 'manifest.json')) ? dir : undefined;
}

/** schema/examples: the ready-made operations. */
export function findExamplesDir(): string {
  return projectPath('schema', 'examples');
}

/** The ready-made operations in `dir`, in file-name order; none when the folder does not exist. */
export async function readExamples(dir: string): Promise<IdeExample[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((name) => name.endsWith('.graphql')).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return Promise.all(
    names.map(async (file) => {
      const query = await readFile(join(dir, file), 'utf8');
      const firstLine = query.split('\n', 1)[0].trim();
      const labelled = /^#\s*([^:]{1,40}):\s*(.+)$/.exec(firstLine);
      const description = labelled ? labelled[2].trim() : firstLine.replace(/^#\s*/, '');
      const operationName = /\b(?:query|mutation|subscription)\s+([_A-Za-z][_0-9A-Za-z]*)/.exec(query)?.[1];
      return { file, title: operationName ?? file.replace(/\.graphql$/, ''), audience: labelled ? labelled[1].trim() : '', description, query };
    }),
  );
}

/** True for a browser navigating to the GraphQL URL; false for GraphQL requests (GET with `query`, POST, JSON clients). */
export function wantsIdePage(req: Request): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  if (req.query.query !== undefined) return false;
  // Best match among what Apollo answers and HTML: `*/*` or no Accept header picks JSON.
  return req.accepts(['application/graphql-response+json', 'application/json', 'text/html']) === 'text/html';
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** JSON that is safe inside a <script> element: no `</script>`, no `<!--`. */
function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

export function renderIdePage(config: IdePageConfig, assetUrl: (logicalName: string) => string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>dvc-gateway · GraphQL IDE</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${escapeHtml(assetUrl('ide.css'))}">
<script type="application/json" id="ide-config">${jsonForScript(config)}</script>
<script defer src="${escapeHtml(assetUrl('ide.js'))}"></script>
</head>
<body>
<div id="graphiql"><p>Loading the GraphQL IDE…</p></div>
<noscript><p>The GraphQL IDE needs JavaScript. GraphQL itself answers at ${escapeHtml(config.graphqlPath)} (POST, or GET with <code>?query=</code>).</p></noscript>
</body>
</html>
`;
}

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>GraphQL IDE not built</title></head>
<body><h1>The GraphQL IDE is not built</h1><p>Run <code>npm run build</code> (it writes dist/ide) and reload.</p></body></html>
`;

async function readManifest(assetsDir: string | undefined): Promise<IdeManifest | undefined> {
  if (assetsDir === undefined) return undefined;
  try {
    return JSON.parse(await readFile(join(assetsDir, 'manifest.json'), 'utf8')) as IdeManifest;
  } catch {
    return undefined;
  }
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** Mount before Apollo: `app.use(createIdeRouter({ ... }))`. */
export function createIdeRouter(options: IdeRouterOptions): Router {
  const graphqlPath = options.graphqlPath.replace(/\/+$/, '') || '/';
  const assetsPath = `${graphqlPath === '/' ? '' : graphqlPath}/ide/assets`;
  const router = express.Router();

  router.get(graphqlPath, async (req: Request, res: Response, next: NextFunction) => {
    if (!wantsIdePage(req)) {
      next();
      return;
    }
    try {
      // Per request, both small: a rebuilt bundle or an edited example shows up on reload.
      const [manifest, examples] = await Promise.all([readManifest(options.assetsDir), readExamples(options.examplesDir)]);
      res.set({
        'Content-Type': 'text/html; charset=utf-8',
        'Cache-Control': 'no-cache',
        'Content-Security-Policy': IDE_CONTENT_SECURITY_POLICY,
        'X-Content-Type-Options': 'nosniff',
        'Referrer-Policy': 'no-referrer',
        // The same URL answers GraphQL as JSON: caches must keep the two apart.
        Vary: 'Accept',
      });
      if (!manifest) {
        res.status(503).send(NOT_BUILT_PAGE);
        return;
      }
      const assetUrl = (logicalName: string): string => `${assetsPath}/${encodeURIComponent(manifest.files[logicalName] ?? logicalName)}`;
      res.status(200).send(renderIdePage({ graphqlPath: options.graphqlPath, examples }, assetUrl));
    } catch (error) {
      next(error);
    }
  });

  router.get(`${assetsPath}/:file`, async (req: Request, res: Response, next: NextFunction) => {
    const name = String(req.params.file);
    const extension = extname(name);
    const contentType = ASSET_TYPES[extension];
    if (options.assetsDir === undefined || !ASSET_NAME.test(name) || contentType === undefined) {
      notFound(res);
      return;
    }
    const file = join(resolve(options.assetsDir, 'assets'), name);
    let sent = file;
    if (PRECOMPRESSED.has(extension)) {
      res.vary('Accept-Encoding');
      const encoding = req.acceptsEncodings('br', 'gzip');
      const suffix = typeof encoding === 'string' ? ENCODING_SUFFIX[encoding] : undefined;
      if (suffix && (await isFile(file + suffix))) {
        sent = file + suffix;
        res.setHeader('Content-Encoding', encoding as string);
      }
    }
    // Set before sendFile: it keeps a Content-Type already set, so .br/.gz still go out as JS/CSS.
    res.setHeader('Content-Type', contentType);
    res.setHeader('Cache-Control', IMMUTABLE_CACHE_CONTROL);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.sendFile(sent, { cacheControl: false, dotfiles: 'deny' }, (error?: Error) => {
      if (!error) return;
      if (res.headersSent) return;
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as { status?: number }).status === 404) {
        res.removeHeader('Content-Encoding');
        notFound(res);
        return;
      }
      next(error);
    });
  });

  // Anything else under the assets path is not Apollo's business either.
  router.use(assetsPath, (_req: Request, res: Response) => notFound(res));
  return router;
}

function notFound(res: Response): void {
  res.removeHeader('Cache-Control');
  res.status(404).type('text/plain').send('Not found\n');
}
