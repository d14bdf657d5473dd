/**
 * Our two subgraphs in a process of their own, as the benchmark's gateways and
 * its direct requests reach them:
 *
 *   node dist/bench/subgraphs.js <batched|naive>
 *
 * `batched` is the subgraphs as they ship; `naive` passes bench/naive.ts's
 * loader options through the subgraphs' `loaderOptions`. Each subgraph has its
 * own database connection, as src/subgraphs/<name>/start.ts gives it (those
 * functions take no loader options, so their steps are repeated here).
 * Settings come from the environment as for `npm run subgraph` (bench/run.ts
 * sets MONGODB_URI, MONGODB_DB, SUBGRAPH_SECRET, POPULATION_API_URL, …).
 * Prints `{"catalogue": url, "population": url, "commands": url}`.
 */
import { Registry } from 'prom-client';
import { connectDatabase, type DatabaseConnection } from '../src/platform/db/client';
import { listen } from '../src/platform/http/listen';
import { createLogger, type Logger } from '../src/platform/logger';
import type { SubgraphConfig } from '../src/platform/subgraph/config';
import { readCatalogueConfig } from '../src/subgraphs/catalogue/config';
import { createCatalogueSubgraph, prepareCatalogueDatabase } from '../src/subgraphs/catalogue/server';
import { readPopulationConfig } from '../src/subgraphs/population/config';
import { createPopulationClient } from '../src/subgraphs/population/connector/client';
import { createPopulationSubgraph } from '../src/subgraphs/population/server';
import { announce, requiredEnv, runTarget } from './child';
import { serveCommandCount } from './commands';
import { NAIVE_CATALOGUE_LOADERS, NAIVE_POPULATION_LOADERS } from './naive';

export type LoaderVariant = 'batched' | 'naive';
const LOADER_VARIANTS: readonly LoaderVariant[] = ['batched', 'naive'];

interface Context {
  secret: string;
  uri: string;
  log: Logger;
  registry: Registry;
  naive: boolean;
}

function connect(config: SubgraphConfig, context: Context, appName: string): Promise<DatabaseConnection> {
  const { database } = config;
  return connectDatabase({
    uri: context.uri,
    databaseName: database.databaseName,
    connectTimeoutMs: database.dbConnectTimeoutMs,
    requestTimeoutMs: database.dbRequestTimeoutMs,
    appName,
    log: context.log,
  });
}

async function startCatalogue(context: Context): Promise<{ url: string; database: DatabaseConnection }> {
  // The benchmark loads the catalogue it measures; a subgraph must never seed over it.
  const config = { ...readCatalogueConfig(process.env), port: 0, host: '127.0.0.1', seedOnStart: false };
  const database = await connect(config, context, 'dvc-catalogue');
  await prepareCatalogueDatabase(database, config, context.log);
  const loaderOptions = context.naive ? NAIVE_CATALOGUE_LOADERS : undefined;
  const server = await createCatalogueSubgraph({ config, secret: context.secret, database, log: context.log, registry: context.registry, loaderOptions });
  const http = await listen(server.app, config.port, config.host);
  return { url: `${http.url}/graphql`, database };
}

async function startPopulation(context: Context): Promise<{ url: string; database: DatabaseConnection }> {
  const config = { ...readPopulationConfig(process.env), port: 0, host: '127.0.0.1' };
  const database = await connect(config, context, 'dvc-population');
  const client = createPopulationClient(config.population, requiredEnv('POPULATION_API_URL'), context.log);
  const loaderOptions = context.naive ? NAIVE_POPULATION_LOADERS : undefined;
  const server = await createPopulationSubgraph({ config, secret: context.secret, database, client, log: context.log, registry: context.registry, loaderOptions });
  const http = await listen(server.app, config.port, config.host);
  return { url: `${http.url}/graphql`, database };
}

async function main(): Promise<void> {
  const variant = process.argv[2] as LoaderVariant;
  if (!LOADER_VARIANTS.includes(variant)) throw new Error(`usage: subgraphs.js <${LOADER_VARIANTS.join('|')}>`);
  const context: Context = {
    secret: requiredEnv('SUBGRAPH_SECRET'),
    uri: requiredEnv('MONGODB_URI'),
    log: createLogger('error', { service: `bench-subgraphs-${variant}` }),
    registry: new Registry(),
    naive: variant === 'naive',
  };
  const catalogue = await startCatalogue(context);
  const population = await startPopulation(context);
  const commands = await serveCommandCount([catalogue.database.client, population.database.client]);
  announce({ catalogue: catalogue.url, population: population.url, commands: commands.url });
}

if (require.main === module) runTarget(main);
