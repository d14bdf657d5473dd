import type { Registry } from 'prom-client';
import { connectDatabase, type DatabaseConnection } from '../../platform/db/client';
import { listen } from '../../platform/http/listen';
import type { RunningSubgraph } from '../../platform/subgraph/server';
import type { Logger } from '../../platform/logger';
import type { CatalogueConfig } from './config';
import { createCatalogueSubgraph, prepareCatalogueDatabase } from './server';

/** The catalogue subgraph on its own port, over the database at `uri`: indexes, seed when empty, listen. */
export async function startCatalogueSubgraph(options: { config: CatalogueConfig; secret: string; uri: string; log: Logger; registry: Registry }): Promise<RunningSubgraph> {
  const { config, log } = options;
  const database: DatabaseConnection = await connectDatabase({
    uri: options.uri,
    databaseName: config.database.databaseName,
    connectTimeoutMs: config.database.dbConnectTimeoutMs,
    requestTimeoutMs: config.database.dbRequestTimeoutMs,
    appName: 'dvc-catalogue',
    log,
  });
  await prepareCatalogueDatabase(database, config, log);
  const server = await createCatalogueSubgraph({ config, secret: options.secret, database, log, registry: options.registry });
  const http = await listen(server.app, config.port, config.host);
  log.info('catalogue subgraph ready', { url: `${http.url}/graphql` });
  return {
    http,
    url: `${http.url}/graphql`,
    database,
    async close() {
      await http.close();
      await server.stop();
      await database.client.close();
    },
  };
}
