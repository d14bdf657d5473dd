/**
 * `npm run bench`: the operation mix (bench/operations.ts) against our gateway,
 * the subgraphs called directly, @apollo/gateway, the hand-written REST floor
 * and the naive variant, side by side in one run, on the curated data and on
 * synthetic catalogues. Writes bench/results.json, bench/RESULTS.md and
 * bench/latency-vs-size.svg. Method and options: bench/README.md.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, platform, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { MongoClient } from 'mongodb';
import { startEmbeddedDatabase, type EmbeddedDatabase } from '../src/platform/db/embedded';
import { createLogger } from '../src/platform/logger';
import { UPSTREAM_MAX_BATCH } from '../src/platform/population-api/purposes';
import { databaseNameFor, freshOfficerKey, prepareCatalogue } from './catalogue';
import { timeCitizenBatches } from './citizen-batches';
import type { EndpointContext } from './endpoints';
import { measureOperations, type SizeRun } from './measure';
import { OPERATIONS, type BenchOperation } from './operations';
import { parseBenchArgs, ROOT, type BenchOptions } from './options';
import { startAnnouncing, stopProcess, type Started } from './processes';
import { renderChart, renderResults } from './report';
import type { BenchResults, SizeResult } from './results';
import { measureSharedState, startBenchRedis, type BenchRedis } from './shared-state';
import { startTargets, STUB_CLIENT } from './targets';
import { catalogueIndexCoverageOfFile } from '../src/subgraphs/catalogue/index-coverage';
import { describeShape } from '../src/platform/db/command-shape';

export { parseBenchArgs } from './options';

const STUB_ADMIN_TOKEN = 'bench-admin-token';

function log(line: string): void {
  process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
}

function selectedOperations(options: BenchOptions): BenchOperation[] {
  return OPERATIONS.filter((op) => !options.operations || options.operations.includes(op.name));
}

/** The population stub in its own process: fixed latency, no jitter, no rate limit, our client's credentials. */
function startStub(latencyMs: number): Promise<Started<{ url: string }>> {
  const env = {
    ...process.env,
    POPULATION_STUB_PORT: '0',
    POPULATION_STUB_LATENCY_MS: String(latencyMs),
    POPULATION_STUB_JITTER_MS: '0',
    POPULATION_STUB_RATE_LIMIT: '0',
    POPULATION_STUB_CLIENTS: `${STUB_CLIENT.id}:${STUB_CLIENT.secret}`,
    POPULATION_STUB_ADMIN_TOKEN: STUB_ADMIN_TOKEN,
  };
  // `npm run population-stub` as it ships: it prints its URL in a sentence.
  const urlIn = (line: string): { url: string } | undefined => {
    const url = /POPULATION_API_URL=(\S+)/.exec(line)?.[1];
    return url ? { url } : undefined;
  };
  return startAnnouncing(resolve(ROOT, 'dist', 'src', 'scripts', 'population-stub.js'), [], { nodeFlags: [], env }, urlIn);
}

async function databaseVersion(client: MongoClient): Promise<{ kind: string; version: string }> {
  const info = (await client.db('admin').command({ buildInfo: 1 })) as { version: string; ferretdbVersion?: string };
  if (info.ferretdbVersion === undefined) return { kind: 'MongoDB', version: info.version };
  // A FerretDB built from its Go module reports "unknown" as its own version; the launcher's go.mod pins it.
  const pinned = /github\.com\/FerretDB\/FerretDB v(\S+)/.exec(await readFile(resolve(ROOT, 'tools', 'ferretdb', 'go.mod'), 'utf8'))?.[1];
  return { kind: 'FerretDB on SQLite', version: `${info.ferretdbVersion === 'unknown' && pinned ? pinned : info.ferretdbVersion} (reports MongoDB ${info.version})` };
}

async function emptyResults(options: BenchOptions, client: MongoClient): Promise<BenchResults> {
  return {
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
    operations: selectedOperations(options).map(({ name, description, growth, nested }) => ({ name, description, growth, nested })),
    sizes: [],
  };
}

interface Shared {
  options: BenchOptions;
  mongoUri: string;
  client: MongoClient;
  stubUrl: string;
  /** The shipped catalogue subgraph's reads (DVC_RECORD_COMMANDS), for the index-coverage check. */
  recordReadsFile: string;
  /** Debian's redis-server for the response-cache and Redis measurements, or why there is none. */
  redis: BenchRedis | string;
}

/** One size: load its catalogue, start every target over it, measure, stop them. */
async function benchSize(shared: Shared, services: number, results: BenchResults): Promise<SizeResult> {
  const { options } = shared;
  const databaseName = databaseNameFor(services, options.databasePrefix);
  const db = shared.client.db(databaseName);
  log(`${databaseName}: preparing`);
  const catalogue = await prepareCatalogue(db, services, options.seed, log);
  const officer = await freshOfficerKey(db);
  const secret = randomBytes(32).toString('hex');
  const start = () =>
    startTargets({ root: ROOT, mongoUri: shared.mongoUri, databaseName, secret, stubUrl: shared.stubUrl, profileDir: options.profileDir, recordReadsFile: shared.recordReadsFile });
  const context: EndpointContext = { targets: await start(), samples: catalogue.samples, officer, secret };
  const result: SizeResult = {
    services: catalogue.counts.services,
    milestones: catalogue.counts.milestones,
    directives: catalogue.counts.directives,
    label: services === 0 ? 'curated' : `${services.toLocaleString('en')} synthetic`,
    database: databaseName,
    loadSeconds: catalogue.loadSeconds,
    measurements: [],
    skipped: [],
  };
  const run: SizeRun = {
    settings: options,
    db,
    services: result.services,
    syntheticServices: services,
    context,
    stubUrl: shared.stubUrl,
    stubAdminToken: STUB_ADMIN_TOKEN,
    restartTargets: start,
    previous: results.sizes.at(-1),
    log,
  };
  try {
    await measureOperations(run, selectedOperations(options), result);
    const citizens1000 = selectedOperations(options).find((op) => op.name === 'citizens-1000');
    if (citizens1000 && !results.citizenBatches) {
      log('  citizen batches: citizens-1000 one at a time, through the gateway, the subgraph and straight to the stub');
      results.citizenBatches = await timeCitizenBatches(citizens1000, context, shared.stubUrl, options.durationSeconds);
    }
    if (!results.sharedState) results.sharedState = await sharedStateOf(shared, context);
    result.loadAverage = loadavg().map((n) => Math.round(n * 100) / 100);
    return result;
  } finally {
    await context.targets.stop();
  }
}

async function sharedStateOf(shared: Shared, context: EndpointContext): Promise<NonNullable<BenchResults['sharedState']>> {
  const { options } = shared;
  const load = { connections: options.connections, durationSeconds: options.durationSeconds, timeoutSeconds: options.loadMaxSeconds * 20 };
  if (typeof shared.redis === 'string') return { connections: options.connections, operations: [], skipped: shared.redis };
  return measureSharedState(selectedOperations(options), context, shared.redis.url, load, log);
}

/** The recorded reads against the catalogue's indexes, by MongoDB's rules. */
function indexCoverageOf(file: string): BenchResults['indexCoverage'] {
  const report = catalogueIndexCoverageOfFile(file);
  return {
    shapes: report.shapes,
    served: report.served,
    allowed: report.allowed.map((verdict) => ({ shape: describeShape(verdict.shape), reason: verdict.reason })),
    unserved: report.unserved.map((verdict) => `${describeShape(verdict.shape)}: lacks ${verdict.lacks ?? verdict.why ?? 'an index'}`),
  };
}

/** Debian's redis-server on a free port, or why it could not start (the measurements that need it are then skipped). */
function startRedisOrReason(): Promise<BenchRedis | string> {
  return startBenchRedis().catch((error: unknown) => `redis-server could not start (${(error as Error).message}); apt-get install redis-server`);
}

export async function runBench(options: BenchOptions): Promise<BenchResults> {
  let embedded: EmbeddedDatabase | undefined;
  let mongoUri = options.mongoUri;
  if (!mongoUri) {
    embedded = await startEmbeddedDatabase({
      dataDir: resolve(ROOT, '.data', 'bench-ferretdb'),
      cacheDir: resolve(ROOT, '.cache'),
      port: 0,
      log: createLogger('warn', { service: 'bench' }),
    });
    mongoUri = embedded.uri;
  }
  const client = new MongoClient(mongoUri);
  const stub = await startStub(options.stubLatencyMs);
  const redis = await startRedisOrReason();
  const recordReadsFile = join(await mkdtemp(join(tmpdir(), 'dvc-bench-reads-')), 'catalogue-reads.jsonl');
  try {
    await client.connect();
    const results = await emptyResults(options, client);
    const shared: Shared = { options, mongoUri, client, stubUrl: stub.ready.url, recordReadsFile, redis };
    for (const services of options.sizes) {
      results.sizes.push(await benchSize(shared, services, results));
      results.indexCoverage = indexCoverageOf(recordReadsFile);
      // Written after every size, so a long run that is stopped keeps what it measured.
      await writeOutputs(results, options.outDir);
    }
    return results;
  } finally {
    await client.close();
    await stopProcess(stub.child, 'SIGTERM');
    if (typeof redis !== 'string') await redis.stop();
    await rm(dirname(recordReadsFile), { recursive: true, force: true });
    await embedded?.stop();
  }
}

export async function writeOutputs(results: BenchResults, outDir: string): Promise<void> {
  await mkdir(outDir, { recursive: true });
  await writeFile(resolve(outDir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  await writeFile(resolve(outDir, 'RESULTS.md'), renderResults(results));
  await writeFile(resolve(outDir, 'latency-vs-size.svg'), renderChart(results));
}

function main(): void {
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

if (require.main === module) main();
