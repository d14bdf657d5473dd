import { randomBytes } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { Registry } from 'prom-client';
import { mongoKeyStore } from './gateway/api-keys';
import { DRAIN_SHARE_OF_SHUTDOWN, type GatewayConfig } from './gateway/config';
import type { RateLimitStore } from './gateway/rate-limit';
import { startGateway, type RunningGateway } from './gateway/start';
import { SupergraphSource } from './gateway/supergraph/source';
import type { Env } from './platform/config';
import type { Logger } from './platform/logger';
import { readCatalogueConfig } from './subgraphs/catalogue/config';
import { startCatalogueSubgraph } from './subgraphs/catalogue/start';
import type { RunningSubgraph } from './platform/subgraph/server';
import { readPopulationConfig } from './subgraphs/population/config';
import { startPopulationSubgraph } from './subgraphs/population/start';

export interface OwnStack {
  gateway: RunningGateway;
  catalogue: RunningSubgraph;
  population: RunningSubgraph;
  secret: string;
  registry: Registry;
  /** Stops the subgraphs and the key database's connection (after the gateway has drained). */
  closeBehind(): Promise<void>;
  /** Drains the gateway, then closes what is behind it. */
  close(deadline?: number): Promise<{ unfinished: number }>;
}

/**
 * What `npm start` runs over a database that is already up: our two subgraphs
 * in this process on loopback ports (each with its own HTTP server and
 * database connection, as if deployed apart) and the gateway composing them.
 * The tests start the same stack.
 */
export async function startOwnStack(options: { env: Env; config: GatewayConfig; uri: string; log: Logger; rateLimitStore?: RateLimitStore }): Promise<OwnStack> {
  const { env, config, uri, log } = options;
  const secret = config.subgraphSecret ?? randomBytes(32).toString('hex');
  const registry = new Registry();
  const local = { port: 0, host: '127.0.0.1' };
  const catalogue = await startCatalogueSubgraph({ config: { ...readCatalogueConfig(env), ...local }, secret, uri, log: log.child({ component: 'catalogue' }), registry });
  const population = await startPopulationSubgraph({ config: { ...readPopulationConfig(env), ...local }, secret, uri, log: log.child({ component: 'population' }), registry });
  const keysClient = new MongoClient(uri, { serverSelectionTimeoutMS: config.database.dbRequestTimeoutMs, appName: 'dvc-gateway-keys' });
  const source = new SupergraphSource(
    {
      kind: 'subgraphs',
      subgraphs: [
        { name: 'catalogue', url: catalogue.url },
        { name: 'population', url: population.url },
      ],
    },
    secret,
    config.subgraphTimeoutMs,
    log,
  );
  const gateway = await startGateway({
    config,
    source,
    secret,
    keys: mongoKeyStore(keysClient.db(config.database.databaseName)),
    log,
    registry,
    rateLimitStore: options.rateLimitStore,
  });
  const closeBehind = async (): Promise<void> => {
    await catalogue.close();
    await population.close();
    await keysClient.close();
  };
  return {
    gateway,
    catalogue,
    population,
    secret,
    registry,
    closeBehind,
    async close(deadline = Date.now() + config.shutdownTimeoutMs * DRAIN_SHARE_OF_SHUTDOWN) {
      const drained = await gateway.drain(deadline);
      await closeBehind();
      return drained;
    },
  };
}
