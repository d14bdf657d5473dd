import { Registry } from 'prom-client';
import { ConfigError, type Env } from '../platform/config';
import { openDatabase } from '../platform/db/open';
import { startMetricsServer } from '../platform/http/metrics';
import { createLogger } from '../platform/logger';
import type { SubgraphConfig } from '../platform/subgraph/config';
import { readCatalogueConfig } from '../subgraphs/catalogue/config';
import { startCatalogueSubgraph } from '../subgraphs/catalogue/start';
import type { RunningSubgraph } from '../platform/subgraph/server';
import { readPopulationConfig } from '../subgraphs/population/config';
import { startPopulationSubgraph } from '../subgraphs/population/start';

const USAGE = 'Usage: npm run subgraph -- catalogue|population   (SUBGRAPH_SECRET, PORT, MONGODB_URI, ...: see README)';

function configFor(name: string, env: Env): SubgraphConfig {
  if (name === 'catalogue') return readCatalogueConfig(env);
  if (name === 'population') return readPopulationConfig(env);
  throw new ConfigError('subgraph', `must be catalogue or population, got "${name}"\n${USAGE}`);
}

/** `npm run subgraph -- <name>`: one of our subgraphs alone, on PORT, for a gateway that runs elsewhere. */
async function main(): Promise<void> {
  const name = process.argv[2] ?? '';
  const config = configFor(name, process.env);
  if (!config.secret) throw new ConfigError('SUBGRAPH_SECRET', 'must be set: a subgraph answers only requests its gateway signed with it (e.g. `openssl rand -hex 32`)');
  const log = createLogger(config.logLevel, { service: `dvc-${name}` });
  const database = await openDatabase(config.database, log, `dvc-${name}-db`);
  const uri = database.embedded?.uri ?? (config.database.mongodbUri as string);
  const registry = new Registry();
  const options = { secret: config.secret, uri, log, registry };
  const running: RunningSubgraph =
    name === 'catalogue'
      ? await startCatalogueSubgraph({ ...options, config: readCatalogueConfig(process.env) })
      : await startPopulationSubgraph({ ...options, config: readPopulationConfig(process.env) });
  const metrics = await startMetricsServer(config.metrics, config.host, () => [registry]);
  const stop = async (): Promise<void> => {
    await metrics?.close();
    await running.close();
    await database.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(error instanceof ConfigError ? 2 : 1);
});
