#!/usr/bin/env node
'use strict';
/**
 * Bundles the browser IDE (ide-client/: GraphiQL 3, the examples pane, the query builder) into dist/ide/:
 *
 *   dist/ide/assets/ide-<hash>.js, ide-<hash>.css   content-hashed, served as immutable
 *   dist/ide/assets/<font>-<hash>.woff2 / .woff     GraphiQL's fonts (Roboto, Fira Code), one file per subset
 *   dist/ide/assets/*.gz, *.br                      precompressed copies the gateway sends when accepted
 *   dist/ide/assets/ide-<hash>.js.LEGAL.txt        the bundled libraries' license comments
 *   dist/ide/manifest.json                          logical name → hashed name, sizes, inputs hash
 *
 * Part of `npm run build`. Skips the work when the inputs (ide-client/, this script and the
 * installed packages) are unchanged since the last build; `--force` rebuilds anyway.
 * Fails when the output would fetch anything from another host (the IDE must work offline).
 */
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const zlib = require('node:zlib');

const root = path.resolve(__dirname, '..');
const clientDir = path.join(root, 'ide-client');
const outDir = path.join(root, 'dist', 'ide');
const assetsDir = path.join(outDir, 'assets');
const manifestPath = path.join(outDir, 'manifest.json');

/** Files whose content decides the output: the client sources, this script, the installed package tree. */
function inputFiles() {
  const files = [];
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else files.push(full);
    }
  };
  walk(clientDir);
  files.push(__filename);
  // npm's record of what is actually installed; the lockfile when node_modules has none.
  const installed = path.join(root, 'node_modules', '.package-lock.json');
  files.push(fs.existsSync(installed) ? installed : path.join(root, 'package-lock.json'));
  return files.sort();
}

function hashInputs() {
  const hash = createHash('sha256');
  for (const file of inputFiles()) {
    hash.update(path.relative(root, file)).update('\0');
    if (fs.existsSync(file)) hash.update(fs.readFileSync(file));
    hash.update('\0');
  }
  return hash.digest('hex');
}

function readManifest() {
  try {
    return JSON.parse(fs.readFileSync(manifestPath, 'utf8'));
  } catch {
    return undefined;
  }
}

function isUpToDate(manifest, inputsHash) {
  return manifest !== undefined && manifest.inputsHash === inputsHash && Object.values(manifest.files ?? {}).every((file) => fs.existsSync(path.join(assetsDir, file)));
}

/**
 * Absolute URLs the browser could fetch from a bundle. A stylesheet may only use data: and
 * relative URLs. Script text legitimately contains URLs that are never requested (SVG/XML
 * namespaces, links in React's minified error messages, documentation links inside strings),
 * so for scripts this reports the hosts and rejects only known resource hosts.
 */
const RESOURCE_HOSTS =
  /fonts\.googleapis\.com|fonts\.gstatic\.com|unpkg\.com|cdn\.jsdelivr\.net|cdnjs\.cloudflare\.com|esm\.sh|skypack|google-analytics|googletagmanager|sentry|segment\.(io|com)|apollographql\.com/i;

function checkOffline(file, text) {
  const problems = [];
  if (file.endsWith('.css')) {
    for (const match of text.matchAll(/url\(\s*(['"]?)([^'")]*)\1\s*\)/g)) {
      const target = match[2];
      if (!target.startsWith('data:') && /^(https?:)?\/\//i.test(target)) problems.push(`${file}: url(${target})`);
    }
    for (const match of text.matchAll(/@import\s+[^;]*/g)) problems.push(`${file}: ${match[0]}`);
  }
  const hosts = new Set();
  for (const match of text.matchAll(/https?:\/\/([A-Za-z0-9.-]+)/g)) hosts.add(match[1].toLowerCase());
  for (const host of hosts) if (RESOURCE_HOSTS.test(host)) problems.push(`${file}: mentions ${host}`);
  return { problems, hosts: [...hosts].sort() };
}

/**
 * GraphiQL's stylesheet inlines its fonts as ~360 KiB of base64 (every weight and every unicode
 * subset: Latin, Vietnamese, Cyrillic, Greek). This esbuild plugin writes each one out as a file
 * for esbuild's `file` loader, so the CSS shrinks to ~50 KiB and the browser fetches, from the
 * gateway, only the subsets the page's text needs (unicode-range).
 */
/** Google Fonts' subset names, told apart by the first range of each face's unicode-range. */
const SUBSETS = {
  'U+460-52F': 'cyrillic-ext',
  'U+400-45F': 'cyrillic',
  'U+1F??': 'greek-ext',
  'U+370-3FF': 'greek',
  'U+102-103': 'vietnamese',
  'U+100-24F': 'latin-ext',
  'U+??': 'latin',
};

function subsetOf(face) {
  const firstRange = /unicode-range:\s*([^,;}]+)/i.exec(face)?.[1]?.trim().toUpperCase();
  return firstRange === undefined ? undefined : SUBSETS[firstRange];
}

function extractInlineFonts(scratchDir) {
  return {
    name: 'extract-inline-fonts',
    setup(build) {
      build.onLoad({ filter: /[\\/]graphiql[\\/]dist[\\/]style\.css$/ }, (args) => {
        const css = fs.readFileSync(args.path, 'utf8');
        let count = 0;
        const contents = css.replace(/@font-face\s*\{[^}]*\}/g, (face) => {
          const family = (/font-family:\s*['"]?([^;'"]+)/.exec(face)?.[1] ?? 'font').trim().toLowerCase().replace(/\s+/g, '-');
          const weight = /font-weight:\s*(\d+)/.exec(face)?.[1] ?? '400';
          const style = /font-style:\s*(\w+)/.exec(face)?.[1] ?? 'normal';
          return face.replace(/url\(\s*(['"]?)data:font\/(woff2?);base64,([A-Za-z0-9+/=]+)\1\s*\)/g, (_match, _quote, format, base64) => {
            count += 1;
            const file = `${family}-${style}-${weight}-${subsetOf(face) ?? count}.${format}`;
            fs.writeFileSync(path.join(scratchDir, file), Buffer.from(base64, 'base64'));
            return `url(./${file})`;
          });
        });
        if (count === 0) throw new Error('graphiql/dist/style.css has no inline fonts any more: review extractInlineFonts in scripts/build-ide.js');
        return { contents, loader: 'css', resolveDir: scratchDir };
      });
    },
  };
}

/**
 * graphiql-explorer (the query builder inside @graphiql/plugin-explorer) is CommonJS and
 * require()s graphql. A package that is require()d anywhere is bundled whole from its CommonJS
 * build (esbuild resolves it through `main` everywhere, to keep one copy), and graphql-js would
 * go from the ~140 KiB tree-shaken ESM build the rest of the IDE uses to ~260 KiB. This plugin
 * answers that one require() with a small ES module re-exporting just the names
 * graphiql-explorer reads (`_graphql.<name>` in its Babel output), so graphql stays ESM.
 */
function graphqlForExplorer() {
  const explorerDir = path.dirname(
    require.resolve('graphiql-explorer/package.json', { paths: [path.dirname(require.resolve('@graphiql/plugin-explorer/package.json', { paths: [root] }))] }),
  );
  const source = fs.readFileSync(path.join(explorerDir, 'dist', 'Explorer.js'), 'utf8');
  const names = [...new Set([...source.matchAll(/\b_graphql\.([A-Za-z_$][\w$]*)/g)].map((match) => match[1]))].sort();
  if (names.length === 0) throw new Error('graphiql-explorer no longer reads graphql as `_graphql.<name>`: review graphqlForExplorer in scripts/build-ide.js');
  return {
    name: 'graphql-for-explorer',
    setup(build) {
      build.onResolve({ filter: /^graphql$/ }, (args) =>
        args.kind === 'require-call' && args.importer.startsWith(explorerDir + path.sep) ? { path: 'graphql-for-explorer', namespace: 'graphql-for-explorer' } : undefined,
      );
      build.onLoad({ filter: /.*/, namespace: 'graphql-for-explorer' }, () => ({ contents: `export { ${names.join(', ')} } from 'graphql';`, resolveDir: root, loader: 'js' }));
    },
  };
}

/** Bundles into `stagingDir` (same layout as dist/ide) and returns the manifest written there. */
async function bundle(stagingDir, inputsHash) {
  // Required here, not at the top: the up-to-date path must not need esbuild at all.
  const esbuild = require('esbuild');
  const stagingAssets = path.join(stagingDir, 'assets');
  fs.mkdirSync(stagingAssets, { recursive: true });
  const scratchDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dvc-ide-fonts-'));
  let result;
  try {
    result = await esbuild.build({
      absWorkingDir: root,
      entryPoints: { ide: path.join(clientDir, 'index.tsx') },
      outdir: stagingAssets,
      entryNames: '[name]-[hash]',
      assetNames: '[name]-[hash]',
      bundle: true,
      minify: true,
      format: 'iife',
      platform: 'browser',
      target: ['es2020', 'chrome100', 'firefox100', 'safari15'],
      jsx: 'automatic',
      tsconfig: path.join(clientDir, 'tsconfig.json'),
      define: { 'process.env.NODE_ENV': '"production"' },
      // Fonts become hashed files next to the CSS; small images stay inline. Either way nothing comes from elsewhere.
      loader: { '.woff': 'file', '.woff2': 'file', '.png': 'dataurl', '.svg': 'dataurl' },
      plugins: [extractInlineFonts(scratchDir), graphqlForExplorer()],
      legalComments: 'external',
      charset: 'utf8',
      metafile: true,
      logLevel: 'warning',
    });
  } finally {
    fs.rmSync(scratchDir, { recursive: true, force: true });
  }

  // Logical name (without the hash) → file name, for every output: the entry's .js, .css, the fonts.
  const files = {};
  for (const output of Object.keys(result.metafile.outputs).sort()) {
    const name = path.basename(output);
    files[name.replace(/-[A-Z0-9]{8}(?=\.)/, '')] = name;
  }
  for (const required of ['ide.js', 'ide.css']) {
    if (!files[required]) throw new Error(`esbuild produced no ${required}: ${JSON.stringify(Object.keys(result.metafile.outputs))}`);
  }

  const sizes = {};
  const hostsSeen = new Set();
  const problems = [];
  for (const logical of ['ide.js', 'ide.css']) {
    const file = path.join(stagingAssets, files[logical]);
    const content = fs.readFileSync(file);
    const check = checkOffline(files[logical], content.toString('utf8'));
    problems.push(...check.problems);
    check.hosts.forEach((host) => hostsSeen.add(host));
    const gzip = zlib.gzipSync(content, { level: 9 });
    const brotli = zlib.brotliCompressSync(content, {
      params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: content.length },
    });
    fs.writeFileSync(`${file}.gz`, gzip);
    fs.writeFileSync(`${file}.br`, brotli);
    sizes[logical] = { raw: content.length, gzip: gzip.length, brotli: brotli.length };
  }
  if (problems.length > 0) throw new Error(`The IDE bundle would fetch from other hosts:\n  ${problems.join('\n  ')}`);

  const manifest = { inputsHash, builtAt: new Date().toISOString(), files, sizes, urlHostsInText: [...hostsSeen].sort() };
  fs.writeFileSync(path.join(stagingDir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

/**
 * One build at a time (parallel jest workers, `npm start` during `npm test`): an exclusive lock
 * file, waited for; a lock older than LOCK_STALE_MS is a crashed build's and is taken over.
 */
const lockPath = `${outDir}.lock`;
const LOCK_STALE_MS = 120_000;

async function withBuildLock(work) {
  fs.mkdirSync(path.dirname(lockPath), { recursive: true });
  const deadline = Date.now() + LOCK_STALE_MS;
  for (;;) {
    try {
      fs.closeSync(fs.openSync(lockPath, 'wx'));
      break;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
      const age = Date.now() - fs.statSync(lockPath, { throwIfNoEntry: false })?.mtimeMs;
      if (age > LOCK_STALE_MS || Date.now() > deadline) fs.rmSync(lockPath, { force: true });
      else await new Promise((done) => setTimeout(done, 100));
    }
  }
  try {
    return await work();
  } finally {
    fs.rmSync(lockPath, { force: true });
  }
}

/** Quiet when up to date, and under `npm run … --silent` (keys, seeds:verify print their own output). */
const quiet = process.env.npm_config_loglevel === 'silent';

async function main() {
  const force = process.argv.includes('--force');
  const inputsHash = hashInputs();
  if (!force && isUpToDate(readManifest(), inputsHash)) return;
  await withBuildLock(async () => {
    // Another build may have finished while we waited for the lock.
    if (!force && isUpToDate(readManifest(), inputsHash)) return;
    const started = Date.now();
    const stagingDir = `${outDir}.staging-${process.pid}`;
    const retiredDir = `${outDir}.old-${process.pid}`;
    fs.rmSync(stagingDir, { recursive: true, force: true });
    try {
      const manifest = await bundle(stagingDir, inputsHash);
      // Swap directories so a running gateway never sees a half-written dist/ide.
      if (fs.existsSync(outDir)) fs.renameSync(outDir, retiredDir);
      fs.renameSync(stagingDir, outDir);
      fs.rmSync(retiredDir, { recursive: true, force: true });
      const kb = (bytes) => `${(bytes / 1024).toFixed(0)} KiB`;
      const summary = Object.entries(manifest.sizes)
        .map(([name, size]) => `${name} ${kb(size.raw)} (gzip ${kb(size.gzip)}, br ${kb(size.brotli)})`)
        .join(', ');
      if (!quiet) console.log(`IDE bundle built in ${Date.now() - started} ms: ${summary}`);
    } finally {
      fs.rmSync(stagingDir, { recursive: true, force: true });
    }
  });
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
