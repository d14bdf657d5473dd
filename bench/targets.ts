/**
 * The benchmark's target processes for one catalogue: our subgraphs (as they
 * ship, and naive), our gateway over each (`node dist/src/main.js` with
 * SUPERGRAPH_FILE, as it ships), Hive Gateway alone and @apollo/gateway over the shipped subgraphs,
 * and the REST floor. Each runs in its own process, so the load generator
 * never shares an event loop with what it measures.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { composeSupergraph } from '../src/gateway/supergraph/compose';
import { catalogueSdl } from '../src/subgraphs/catalogue/server';
import { populationSdl } from '../src/subgraphs/population/server';
import { freePort, startAnnouncing, startListening, stopProcess, type SpawnOptions, type StopBy } from './processes';
import type { LoaderVariant } from './subgraphs';

/** Long enough for a full scan of a large catalogue on the local database; the benchmark reports the time. */
export const BENCH_TIMEOUT_MS = 600_000;
/** The longest a database read may take (DB_REQUEST_TIMEOUT_MS allows no more). */
const DB_TIMEOUT_MS = 120_000;

export const STUB_CLIENT = { id: 'dvc-bench', secret: 'bench-stub-secret' };

/** The processes started so far, and how each is asked to stop. */
type Children = Array<{ child: ChildProcess; by: StopBy }>;

export interface SubgraphUrls {
  catalogue: string;
  population: string;
  /** Database commands of both subgraphs (bench/commands.ts). */
  commands: string;
}

export interface RunningTargets {
  shipped: SubgraphUrls;
  naive: SubgraphUrls;
  gateway: string;
  naiveGateway: string;
  /** Hive Gateway alone (bench/hive-gateway.ts). */
  hive: string;
  apollo: string;
  rest: { url: string; commands: string };
  /** Another instance of our gateway over the shipped subgraphs, with `env` added (REDIS_URL, …); stopped with the rest. */
  startGateway(env: NodeJS.ProcessEnv): Promise<string>;
  stop(): Promise<void>;
}

export interface TargetSettings {
  root: string;
  mongoUri: string;
  databaseName: string;
  secret: string;
  stubUrl: string;
  /** With --profile: where the shipped gateway and subgraphs write CPU profiles (a folder per process). */
  profileDir: string | undefined;
  /** DVC_RECORD_COMMANDS of the shipped catalogue subgraph: its reads, for the index-coverage check. */
  recordReadsFile: string;
}

/** `--cpu-prof` into a folder of the process's own: the profile is written when the process exits. */
function profileFlags(settings: TargetSettings, role: string): string[] {
  return settings.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${join(settings.profileDir, role)}`] : [];
}

/** Settings every target reads, as the environment gives them to `npm start` and `npm run subgraph`. */
function targetEnv(settings: TargetSettings): NodeJS.ProcessEnv {
  return {
    ...process.env,
    MONGODB_URI: settings.mongoUri,
    MONGODB_DB: settings.databaseName,
    SUBGRAPH_SECRET: settings.secret,
    DB_REQUEST_TIMEOUT_MS: String(DB_TIMEOUT_MS),
    POPULATION_API_URL: settings.stubUrl,
    POPULATION_CLIENT_ID: STUB_CLIENT.id,
    POPULATION_CLIENT_SECRET: STUB_CLIENT.secret,
    AUDIT_HASH_KEY: 'bench-audit-hash-key',
    // The request log would measure the pipe to this process; warnings and errors still show.
    LOG_LEVEL: 'warn',
    // Limits that protect a public gateway would cut the load generator short: the benchmark measures throughput.
    RATE_LIMIT_ANONYMOUS_PER_MINUTE: '10000000',
    RATE_LIMIT_KEY_PER_MINUTE: '10000000',
    EXECUTION_TIMEOUT_MS: String(BENCH_TIMEOUT_MS),
    SUBGRAPH_TIMEOUT_MS: String(BENCH_TIMEOUT_MS),
  };
}

async function startSubgraphs(settings: TargetSettings, variant: LoaderVariant, children: Children): Promise<SubgraphUrls> {
  const shipped = variant === 'batched';
  const env = { ...targetEnv(settings), ...(shipped ? { DVC_RECORD_COMMANDS: settings.recordReadsFile } : {}) };
  const options: SpawnOptions = { nodeFlags: shipped ? profileFlags(settings, 'subgraphs') : [], env };
  const started = await startAnnouncing<SubgraphUrls>(resolve(settings.root, 'dist', 'bench', 'subgraphs.js'), [variant], options);
  children.push({ child: started.child, by: 'stdin' });
  return started.ready;
}

/** The supergraph of our two subgraphs at the URLs they run on, as schema/supergraph.graphql is composed. */
async function writeSupergraph(folder: string, name: string, urls: SubgraphUrls): Promise<string> {
  const sdl = composeSupergraph([
    { name: 'catalogue', url: urls.catalogue, sdl: catalogueSdl() },
    { name: 'population', url: urls.population, sdl: populationSdl() },
  ]);
  const file = join(folder, `${name}.graphql`);
  await writeFile(file, sdl);
  return file;
}

async function startOurGateway(
  settings: TargetSettings,
  supergraphFile: string,
  nodeFlags: readonly string[],
  children: Children,
  extraEnv: NodeJS.ProcessEnv = {},
): Promise<string> {
  const port = await freePort();
  const env = { ...targetEnv(settings), PORT: String(port), HOST: '127.0.0.1', SUPERGRAPH_FILE: supergraphFile, ...extraEnv };
  const url = `http://127.0.0.1:${port}`;
  children.push({ child: await startListening(resolve(settings.root, 'dist', 'src', 'main.js'), { nodeFlags, env }, `${url}/readyz`), by: 'SIGTERM' });
  return url;
}

/** Starts every target over the catalogue in `settings.databaseName`; stops the ones started if one fails. */
export async function startTargets(settings: TargetSettings): Promise<RunningTargets> {
  const children: Children = [];
  const folder = await mkdtemp(join(tmpdir(), 'dvc-bench-'));
  const stop = async (): Promise<void> => {
    await Promise.all(children.map(({ child, by }) => stopProcess(child, by)));
    await rm(folder, { recursive: true, force: true });
  };
  try {
    // Started side by side where they do not depend on each other: a size's start-up is paid before any measurement.
    const [shipped, naive] = await Promise.all([startSubgraphs(settings, 'batched', children), startSubgraphs(settings, 'naive', children)]);
    const [shippedSupergraph, naiveSupergraph] = await Promise.all([writeSupergraph(folder, 'shipped', shipped), writeSupergraph(folder, 'naive', naive)]);
    const plain: SpawnOptions = { nodeFlags: [], env: targetEnv(settings) };
    const [gateway, naiveGateway, hive, apollo, rest] = await Promise.all([
      startOurGateway(settings, shippedSupergraph, profileFlags(settings, 'gateway'), children),
      startOurGateway(settings, naiveSupergraph, [], children),
      startAnnouncing<{ url: string }>(resolve(settings.root, 'dist', 'bench', 'hive-gateway.js'), [shippedSupergraph], plain),
      startAnnouncing<{ url: string }>(resolve(settings.root, 'dist', 'bench', 'apollo-gateway.js'), [shippedSupergraph], plain),
      startAnnouncing<{ url: string; commands: string }>(resolve(settings.root, 'dist', 'bench', 'rest-target.js'), [], plain),
    ]);
    children.push({ child: hive.child, by: 'stdin' }, { child: apollo.child, by: 'stdin' }, { child: rest.child, by: 'stdin' });
    const startGateway = (env: NodeJS.ProcessEnv): Promise<string> => startOurGateway(settings, shippedSupergraph, [], children, env);
    return { shipped, naive, gateway, naiveGateway, hive: hive.ready.url, apollo: apollo.ready.url, rest: rest.ready, startGateway, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
