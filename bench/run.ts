/**
 * `npm run bench`: the operation mix (bench/operations.ts) against the shipped
 * gateway, the naive variant and the hand-written REST floor, side by side in
 * one run, on the curated data and on synthetic catalogues of growing size.
 * Writes bench/results.json, bench/RESULTS.md and bench/latency-vs-size.svg.
 *
 * Each target runs in its own process (bench/server.ts); autocannon runs here.
 * See bench/README.md for the method and the options.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { cpus, platform, totalmem } from 'node:os';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { isDeepStrictEqual } from 'node:util';
import autocannon from 'autocannon';
import { MongoClient, type Db } from 'mongodb';
import { loadSeedData } from '../seeds/load';
import { SYNTHETIC_GENERATOR_VERSION } from '../seeds/synthetic';
import { loadSyntheticCatalogue, readSyntheticMeta } from '../seeds/synthetic-load';
import { createApiKey } from '../src/auth/api-keys';
import { UPSTREAM_MAX_BATCH } from '../src/connectors/population/purposes';
import { collections, ensureIndexes } from '../src/db/collections';
import { startEmbeddedDatabase, type EmbeddedDatabase } from '../src/db/embedded';
import { createLogger } from '../src/logger';
import { CURATED_SAMPLES, OPERATIONS, type BenchOperation, type BenchSamples } from './operations';
import { VARIANTS, type BenchResults, type Measurement, type SizeResult, type Variant } from './results';
import { renderChart, renderResults } from './report';

export interface BenchOptions {
  /** 0 = the curated seed data alone; N = N synthetic services on top of it. */
  sizes: number[];
  seed: number;
  connections: number;
  durationSeconds: number;
  /** A check request slower than this is not put under load; its single time is reported. */
  loadMaxSeconds: number;
  /** Above this many services only the shipped gateway runs: the naive variant and the REST floor are compared at the sizes below. */
  compareMaxServices: number;
  /**
   * An operation is not run at a size where one request would take longer than this,
   * projected linearly from the size before; the shipped gateway's flat operations always run.
   */
  budgetSeconds: number;
  /** How long a shipped flat operation's check request may take before it is reported as slower than that. */
  flatTimeoutSeconds: number;
  operations: string[] | undefined;
  outDir: string;
  stubLatencyMs: number;
  /** Prepended to the benchmark's database names (tests use their own). */
  databasePrefix: string;
  /** Only re-render RESULTS.md and the chart from results.json. */
  reportOnly: boolean;
  /** An existing server; default MONGODB_URI, else the embedded database is started. */
  mongoUri: string | undefined;
}

/** The repository: this file runs from bench/ (jest) or dist/bench/ (npm run bench). */
const ROOT = existsSync(resolve(__dirname, '..', 'package.json')) ? resolve(__dirname, '..') : resolve(__dirname, '..', '..');

const USAGE = `Usage: npm run bench -- [--sizes 0,1000,10000,100000] [--seed 1] [--connections 4] [--duration 10]
                       [--load-max-seconds 5] [--compare-max-services 10000] [--budget-seconds 120] [--flat-timeout-seconds 300]
                       [--operations a,b] [--out bench] [--report-only]
  --sizes 0 means the curated seed data alone; N adds N synthetic services (npm run seed:synthetic).`;

type NumericOption = 'seed' | 'connections' | 'durationSeconds' | 'loadMaxSeconds' | 'compareMaxServices' | 'budgetSeconds' | 'flatTimeoutSeconds';

/** Flags that take one whole number: the option they set and its bounds. */
const NUMERIC_OPTIONS: Record<string, [NumericOption, number, number]> = {
  '--seed': ['seed', 0, 2 ** 31],
  '--connections': ['connections', 1, 256],
  '--duration': ['durationSeconds', 1, 600],
  '--load-max-seconds': ['loadMaxSeconds', 1, 3_600],
  '--compare-max-services': ['compareMaxServices', 0, 1_000_000],
  '--budget-seconds': ['budgetSeconds', 1, 86_400],
  '--flat-timeout-seconds': ['flatTimeoutSeconds', 1, 86_400],
};

export function parseBenchArgs(argv: string[]): BenchOptions {
  const options: BenchOptions = {
    sizes: [0, 1_000, 10_000, 100_000],
    seed: 1,
    connections: 4,
    durationSeconds: 10,
    loadMaxSeconds: 5,
    compareMaxServices: 10_000,
    budgetSeconds: 120,
    flatTimeoutSeconds: 300,
    operations: undefined,
    outDir: resolve(ROOT, 'bench'),
    stubLatencyMs: 20,
    databasePrefix: '',
    reportOnly: false,
    mongoUri: process.env.MONGODB_URI?.trim() || undefined,
  };
  const wholeNumber = (flag: string, text: string | undefined, min: number, max: number): number => {
    if (text === undefined || !/^\d+$/.test(text) || Number(text) < min || Number(text) > max) throw new Error(`${flag} must be a whole number from ${min} to ${max}\n${USAGE}`);
    return Number(text);
  };
  for (let i = 0; i < argv.length; i += 1) {
    const flag = argv[i] as string;
    if (flag === '--report-only') {
      options.reportOnly = true;
      continue;
    }
    const value = argv[i + 1];
    i += 1;
    const numeric = NUMERIC_OPTIONS[flag];
    if (numeric) {
      const [key, min, max] = numeric;
      options[key] = wholeNumber(flag, value, min, max);
      continue;
    }
    switch (flag) {
      case '--sizes':
        options.sizes = (value ?? '').split(',').map((part) => wholeNumber('--sizes', part.trim(), 0, 1_000_000));
        break;
      case '--operations': {
        const names = (value ?? '').split(',').map((name) => name.trim());
        const unknown = names.filter((name) => !OPERATIONS.some((op) => op.name === name));
        if (unknown.length > 0) throw new Error(`unknown operation(s) ${unknown.join(', ')}; known: ${OPERATIONS.map((op) => op.name).join(', ')}`);
        options.operations = names;
        break;
      }
      case '--out':
        if (!value) throw new Error(`--out needs a folder\n${USAGE}`);
        options.outDir = resolve(value);
        break;
      default:
        throw new Error(`unknown option ${flag}\n${USAGE}`);
    }
  }
  return options;
}

interface Target {
  variant: Variant;
  url: string;
  process: ChildProcess;
}

/** Starts a child process and resolves with its first stdout line that `parse` accepts. */
function startChild<T>(command: string, args: string[], env: NodeJS.ProcessEnv, parse: (line: string) => T | undefined): Promise<{ child: ChildProcess; value: T }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { env, stdio: ['pipe', 'pipe', 'inherit'] });
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    lines.on('line', (line) => {
      const value = parse(line);
      if (value !== undefined) resolvePromise({ child, value });
    });
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code} before it was ready`)));
    child.once('error', reject);
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolvePromise) => {
    if (child.exitCode !== null) return resolvePromise();
    child.once('exit', () => resolvePromise());
    child.stdin?.end();
    child.kill('SIGTERM');
  });
}

const STUB_ADMIN_TOKEN = 'bench-admin-token';

async function stubCalls(stubUrl: string): Promise<number> {
  const response = await fetch(new URL('/admin/stats', stubUrl), { headers: { 'x-admin-token': STUB_ADMIN_TOKEN } });
  const stats = (await response.json()) as { byEndpoint: Record<string, number> };
  return Object.values(stats.byEndpoint).reduce((sum, n) => sum + n, 0);
}

async function databaseActivity(target: Target): Promise<{ commands: number; running: number }> {
  return (await (await fetch(`${target.url}/__bench/commands`)).json()) as { commands: number; running: number };
}

async function commandsSent(target: Target): Promise<number> {
  return (await databaseActivity(target)).commands;
}

/**
 * Waits until the target has no database command running and has sent none for
 * a while: when the load stops, requests the target already accepted keep
 * running (resolvers cannot be aborted), and they must not weigh on the next
 * measurement.
 */
async function settle(target: Target): Promise<void> {
  let last = await databaseActivity(target);
  for (let quiet = 0; quiet < 3;) {
    await new Promise((r) => setTimeout(r, 250));
    const now = await databaseActivity(target);
    quiet = now.running === 0 && now.commands === last.commands ? quiet + 1 : 0;
    last = now;
  }
}

/**
 * Waits until the database answers a primary-key lookup quickly three times in
 * a row: after a target is killed mid-request, the database may still be
 * running the scans it had started for it, and they would slow the next
 * measurement.
 */
async function waitForIdleDatabase(db: Db): Promise<void> {
  const deadline = Date.now() + 15 * 60_000;
  for (let fast = 0; fast < 3 && Date.now() < deadline;) {
    const started = performance.now();
    await db.collection('provinces').findOne({ _id: '34:01' as unknown as never });
    fast = performance.now() - started < 50 ? fast + 1 : 0;
    await new Promise((r) => setTimeout(r, 500));
  }
}

interface PreparedRequest {
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body: string | undefined;
}

function prepare(target: Target, op: BenchOperation, samples: BenchSamples, apiKey: string): PreparedRequest {
  const variables = op.variables(samples);
  if (target.variant === 'rest') {
    const query = new URLSearchParams(
      Object.entries(variables)
        .filter(([, v]) => !Array.isArray(v))
        .map(([k, v]): [string, string] => [k, String(v)]),
    );
    const search = query.toString();
    return { url: `${target.url}/rest/${op.name}${search ? `?${search}` : ''}`, method: 'GET', headers: {}, body: undefined };
  }
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (op.officer) headers['x-api-key'] = apiKey;
  return { url: `${target.url}/graphql`, method: 'POST', headers, body: JSON.stringify({ query: op.query, variables }) };
}

/**
 * One HTTP exchange with node:http: fetch (undici) gives up on a response after
 * 300 s, and at the largest sizes one request on the local database takes longer.
 */
function send(request: PreparedRequest, timeoutMs: number): Promise<{ status: number; text: string }> {
  return new Promise((resolvePromise, reject) => {
    const req = httpRequest(request.url, { method: request.method, headers: request.headers, timeout: timeoutMs }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolvePromise({ status: res.statusCode ?? 0, text }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs / 1000} s`)));
    req.on('error', reject);
    req.end(request.body);
  });
}

/** One request: its JSON (GraphQL `data`, or the REST body), time, and any GraphQL errors. */
async function checkRequest(request: PreparedRequest, variant: Variant, timeoutMs: number): Promise<{ data: unknown; ms: number; problem: string | undefined }> {
  const started = performance.now();
  let answer: { status: number; text: string };
  try {
    answer = await send(request, timeoutMs);
  } catch (error) {
    return { data: undefined, ms: performance.now() - started, problem: (error as Error).message };
  }
  const ms = performance.now() - started;
  let body: { data?: unknown; errors?: Array<{ message: string }> };
  try {
    body = JSON.parse(answer.text) as typeof body;
  } catch {
    return { data: undefined, ms, problem: `HTTP ${answer.status}, not JSON: ${answer.text.slice(0, 200)}` };
  }
  if (answer.status !== 200) return { data: undefined, ms, problem: `HTTP ${answer.status}: ${answer.text.slice(0, 200)}` };
  if (variant === 'rest') return { data: body, ms, problem: undefined };
  return {
    data: body.data,
    ms,
    problem: body.errors?.length
      ? body.errors
          .map((e) => e.message)
          .join('; ')
          .slice(0, 300)
      : undefined,
  };
}

async function underLoad(request: PreparedRequest, options: BenchOptions): Promise<{ requests: number; requestsPerSecond: number; p50Ms: number; p99Ms: number; errors: number }> {
  const result = await autocannon({
    url: request.url,
    method: request.method,
    headers: request.headers,
    ...(request.body === undefined ? {} : { body: request.body }),
    connections: options.connections,
    duration: options.durationSeconds,
    timeout: options.loadMaxSeconds * 20,
  });
  return {
    requests: result.requests.total,
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
  };
}

function log(line: string): void {
  process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
}

interface Catalogue {
  samples: BenchSamples;
  loadSeconds: number | null;
  counts: { services: number; milestones: number; directives: number };
}

/** Loads the catalogue of one size, unless the database already holds exactly it. */
async function prepareCatalogue(db: Db, services: number, seed: number): Promise<Catalogue> {
  const started = performance.now();
  if (services === 0) {
    await db.dropDatabase();
    const c = collections(db);
    await ensureIndexes(c);
    const loaded = await loadSeedData(c);
    return { samples: CURATED_SAMPLES, loadSeconds: null, counts: loaded };
  }
  const existing = await readSyntheticMeta(db);
  if (existing && existing.services === services && existing.seed === seed && existing.generatorVersion === SYNTHETIC_GENERATOR_VERSION) {
    log(`${db.databaseName}: synthetic catalogue already loaded (${services} services, seed ${seed})`);
    // The counts the generator recorded: counting a million documents on FerretDB reads every one of them.
    return { samples: existing.samples, loadSeconds: null, counts: existing.counts };
  }
  let lastShown = 0;
  const meta = await loadSyntheticCatalogue(db, { services, seed }, (p) => {
    const now = performance.now();
    if (now - lastShown > 10_000 || p.done === p.total) {
      lastShown = now;
      log(`  loading ${p.phase}: ${p.done}/${p.total}`);
    }
  });
  return { samples: meta.samples, loadSeconds: (performance.now() - started) / 1000, counts: meta.counts };
}

async function benchSize(mongoUri: string, client: MongoClient, stubUrl: string, services: number, options: BenchOptions, previous: SizeResult | undefined): Promise<SizeResult> {
  const databaseName = `${options.databasePrefix}${services === 0 ? 'dvc_bench_curated' : `dvc_synthetic_${services}`}`;
  const db = client.db(databaseName);
  log(`${databaseName}: preparing`);
  const { samples, loadSeconds, counts } = await prepareCatalogue(db, services, options.seed);
  const { services: serviceCount, milestones: milestoneCount, directives: directiveCount } = counts;
  const { key: apiKey } = await createApiKey(db, 'benchmark', 'officer');

  const env = { ...process.env, MONGODB_URI: mongoUri, MONGODB_DB: databaseName, POPULATION_API_URL: stubUrl, LOG_LEVEL: 'error' };
  // Always the compiled script: under jest this file runs from source, the targets from dist/ (npm test builds first).
  const serverScript = resolve(ROOT, 'dist', 'bench', 'server.js');
  const start = async (variant: Variant): Promise<Target> => {
    const { child, value } = await startChild(process.execPath, [serverScript, variant], env, (line) => {
      try {
        return (JSON.parse(line) as { port: number }).port;
      } catch {
        return undefined;
      }
    });
    return { variant, url: `http://127.0.0.1:${value}`, process: child };
  };
  const targets: Target[] = [];
  try {
    for (const variant of VARIANTS) targets.push(await start(variant));

    const result: SizeResult = {
      services: serviceCount,
      milestones: milestoneCount,
      directives: directiveCount,
      label: services === 0 ? 'curated' : `${services.toLocaleString('en')} synthetic`,
      database: databaseName,
      loadSeconds,
      measurements: [],
      skipped: [],
    };
    for (const op of OPERATIONS.filter((o) => !options.operations || options.operations.includes(o.name))) {
      let shippedData: unknown;
      for (const target of targets) {
        const skip = (reason: string): void => {
          result.skipped.push({ operation: op.name, variant: target.variant, reason });
          log(`  ${op.name} ${target.variant}: skipped (${reason})`);
        };
        if (target.variant === 'rest' && op.citizenIds) {
          skip('no REST floor for citizen lookups: the floor is the upstream (see the citizen table)');
          continue;
        }
        if (target.variant !== 'shipped' && services > options.compareMaxServices) {
          skip(`the naive variant and the REST floor run up to ${options.compareMaxServices.toLocaleString('en')} services (--compare-max-services)`);
          continue;
        }
        const before = previous?.measurements.find((m) => m.operation === op.name && m.variant === target.variant);
        const projectedMs = before && previous && previous.services > 0 ? (before.p50Ms * serviceCount) / previous.services : 0;
        // The shipped gateway's flat operations always run: whether they stay flat is what the largest size is for.
        const alwaysRun = target.variant === 'shipped' && op.growth === 'flat';
        if (!alwaysRun && projectedMs > options.budgetSeconds * 1000) {
          skip(
            `one request took ${(before!.p50Ms / 1000).toFixed(1)} s at ${previous!.services.toLocaleString('en')} services; ` +
              `linear growth would mean ${(projectedMs / 1000).toFixed(0)} s here, over --budget-seconds ${options.budgetSeconds}`,
          );
          continue;
        }
        const request = prepare(target, op, samples, apiKey);
        await Promise.all(targets.map(settle));
        const commandsBefore = await commandsSent(target);
        const callsBefore = op.citizenIds ? await stubCalls(stubUrl) : 0;
        // Within the budget; the shipped flat operations, which always run, get --flat-timeout-seconds.
        const check = await checkRequest(request, target.variant, (alwaysRun ? options.flatTimeoutSeconds : options.budgetSeconds) * 1000);
        if (check.problem) {
          skip(`the check request failed after ${(check.ms / 1000).toFixed(1)} s: ${check.problem}`);
          // It may still be working on the abandoned request: replace it, so that work cannot weigh on what comes next.
          await stopChild(target.process);
          await waitForIdleDatabase(db);
          targets[targets.indexOf(target)] = await start(target.variant);
          continue;
        }
        const databaseCommands = (await commandsSent(target)) - commandsBefore;
        const upstreamCalls = op.citizenIds ? (await stubCalls(stubUrl)) - callsBefore : undefined;
        if (target.variant === 'shipped') shippedData = check.data;
        const sameJsonAsShipped = isDeepStrictEqual(check.data, shippedData);

        let measured: Pick<Measurement, 'mode' | 'requests' | 'requestsPerSecond' | 'p50Ms' | 'p99Ms' | 'errors' | 'note'>;
        if (check.ms > options.loadMaxSeconds * 1000) {
          measured = {
            mode: 'single',
            requests: 1,
            requestsPerSecond: 1000 / check.ms,
            p50Ms: check.ms,
            p99Ms: check.ms,
            errors: 0,
            note: `one request took ${(check.ms / 1000).toFixed(1)} s: not put under load`,
          };
        } else {
          const loaded = await underLoad(request, options);
          await settle(target);
          measured =
            loaded.requests > 0
              ? { mode: 'load', ...loaded }
              : {
                  mode: 'single',
                  requests: 1,
                  requestsPerSecond: 1000 / check.ms,
                  p50Ms: check.ms,
                  p99Ms: check.ms,
                  errors: loaded.errors,
                  note: `no request completed within ${options.durationSeconds} s of load`,
                };
        }
        const measurement: Measurement = {
          operation: op.name,
          variant: target.variant,
          ...measured,
          databaseCommands,
          sameJsonAsShipped,
          ...(upstreamCalls === undefined ? {} : { upstreamCalls }),
        };
        result.measurements.push(measurement);
        log(
          `  ${op.name.padEnd(18)} ${target.variant.padEnd(7)} ${measured.mode.padEnd(6)} ${measured.requestsPerSecond.toFixed(1).padStart(8)} req/s  p50 ${measured.p50Ms.toFixed(1)} ms  p99 ${measured.p99Ms.toFixed(1)} ms  ` +
            `errors ${measured.errors}  db ${databaseCommands}${upstreamCalls === undefined ? '' : `  upstream ${upstreamCalls}`}${sameJsonAsShipped ? '' : '  JSON DIFFERS'}`,
        );
      }
    }
    return result;
  } finally {
    await Promise.all(targets.map((t) => stopChild(t.process)));
  }
}

async function databaseVersion(client: MongoClient): Promise<{ kind: string; version: string }> {
  const info = (await client.db('admin').command({ buildInfo: 1 })) as { version: string; ferretdbVersion?: string };
  if (info.ferretdbVersion === undefined) return { kind: 'MongoDB', version: info.version };
  // A FerretDB built from its Go module reports "unknown" as its own version; the launcher's go.mod pins it.
  const pinned = /github\.com\/FerretDB\/FerretDB v(\S+)/.exec(await readFile(resolve(ROOT, 'tools', 'ferretdb', 'go.mod'), 'utf8'))?.[1];
  return { kind: 'FerretDB on SQLite', version: `${info.ferretdbVersion === 'unknown' && pinned ? pinned : info.ferretdbVersion} (reports MongoDB ${info.version})` };
}

export async function runBench(options: BenchOptions): Promise<BenchResults> {
  const logger = createLogger('warn', { service: 'bench' });
  let embedded: EmbeddedDatabase | undefined;
  let mongoUri = options.mongoUri;
  if (!mongoUri) {
    embedded = await startEmbeddedDatabase({ dataDir: resolve(ROOT, '.data', 'bench-ferretdb'), cacheDir: resolve(ROOT, '.cache'), port: 0, log: logger });
    mongoUri = embedded.uri;
  }
  const client = new MongoClient(mongoUri);
  const stubScript = resolve(ROOT, 'dist', 'src', 'scripts', 'population-stub.js');
  const stubEnv = {
    ...process.env,
    POPULATION_STUB_PORT: '0',
    POPULATION_STUB_LATENCY_MS: String(options.stubLatencyMs),
    POPULATION_STUB_JITTER_MS: '0',
    POPULATION_STUB_RATE_LIMIT: '0',
    POPULATION_STUB_ADMIN_TOKEN: STUB_ADMIN_TOKEN,
  };
  const stub = await startChild(process.execPath, [stubScript], stubEnv, (line) => /POPULATION_API_URL=(\S+)/.exec(line)?.[1]);
  try {
    await client.connect();
    const results: BenchResults = {
      date: new Date().toISOString(),
      machine: {
        cpus: cpus().length,
        cpuModel: cpus()[0]?.model ?? 'unknown',
        memoryGiB: Math.round(totalmem() / 2 ** 30),
        node: process.version,
        platform: `${platform()} ${process.arch}`,
      },
      database: await databaseVersion(client),
      settings: {
        connections: options.connections,
        durationSeconds: options.durationSeconds,
        loadMaxSeconds: options.loadMaxSeconds,
        stubLatencyMs: options.stubLatencyMs,
        upstreamBatchLimit: UPSTREAM_MAX_BATCH,
        seed: options.seed,
      },
      operations: OPERATIONS.filter((o) => !options.operations || options.operations.includes(o.name)).map(({ name, description, growth, nested }) => ({
        name,
        description,
        growth,
        nested,
      })),
      sizes: [],
    };
    for (const services of options.sizes) {
      const size = await benchSize(mongoUri, client, stub.value, services, options, results.sizes.at(-1));
      results.sizes.push(size);
      // Written after every size, so a long run that is stopped keeps what it measured.
      await writeOutputs(results, options.outDir);
    }
    return results;
  } finally {
    await client.close();
    await stopChild(stub.child);
    await embedded?.stop();
  }
}

export async function writeOutputs(results: BenchResults, outDir: string): Promise<void> {
  await mkdir(outDir, { recursive: true });
  await writeFile(resolve(outDir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  await writeFile(resolve(outDir, 'RESULTS.md'), renderResults(results));
  await writeFile(resolve(outDir, 'latency-vs-size.svg'), renderChart(results));
}

if (require.main === module) {
  let options: BenchOptions;
  try {
    options = parseBenchArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(2);
  }
  const run = options.reportOnly
    ? readFile(resolve(options.outDir, 'results.json'), 'utf8').then((text) => writeOutputs(JSON.parse(text) as BenchResults, options.outDir))
    : runBench(options);
  run.then(
    () => log(`wrote ${options.outDir}/RESULTS.md, results.json and latency-vs-size.svg`),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}
