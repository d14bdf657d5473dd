import type { Registry } from 'prom-client';
import { connectDatabase } from '../../platform/db/client';
import { listen } from '../../platform/http/listen';
import type { Logger } from '../../platform/logger';
import { startPopulationStub, type StartedPopulationStub } from '../../stubs/population/server';
import type { RunningSubgraph } from '../../platform/subgraph/server';
import type { PopulationConfig } from './config';
import { createPopulationClient } from './connector/client';
import { createPopulationSubgraph } from './server';

/**
 * The population subgraph on its own port: the audit trail in the database at
 * `uri`, the connector to POPULATION_API_URL, or (outside production only) to
 * a development stub started here as its own HTTP service.
 */
export async function startPopulationSubgraph(options: { config: PopulationConfig; secret: string; uri: string; log: Logger; registry: Registry }): Promise<RunningSubgraph> {
  const { config, log } = options;
  let stub: StartedPopulationStub | undefined;
  if (!config.population.url) {
    stub = await startPopulationStub({ port: 0, clients: { [config.population.clientId]: config.population.clientSecret } });
    log.warn('POPULATION_API_URL is not set: a development stub of the population database was started', { url: stub.url });
  }
  if (config.auditHashKeyIsDefault) log.warn('AUDIT_HASH_KEY is not set: the audit trail uses the development key');
  if (config.auditChain.signerIsDefault) log.warn('AUDIT_SIGNING_KEY is not set: audit checkpoints are signed with the public development key');
  const database = await connectDatabase({
    uri: options.uri,
    databaseName: config.database.databaseName,
    connectTimeoutMs: config.database.dbConnectTimeoutMs,
    requestTimeoutMs: config.database.dbRequestTimeoutMs,
    appName: 'dvc-population',
    log,
  });
  const client = createPopulationClient(config.population, config.population.url ?? (stub as StartedPopulationStub).url, log);
  const server = await createPopulationSubgraph({ config, secret: options.secret, database, client, log, registry: options.registry });
  const http = await listen(server.app, config.port, config.host);
  log.info('population subgraph ready', { url: `${http.url}/graphql` });
  return {
    http,
    url: `${http.url}/graphql`,
    database,
    async close() {
      await http.close();
      await server.stop();
      await database.client.close();
      await stub?.close();
    },
  };
}
