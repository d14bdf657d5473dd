import { Registry } from 'prom-client';
import { NO_KEYS } from '../../src/gateway/api-keys';
import { readGatewayConfig } from '../../src/gateway/config';
import { startGateway, type RunningGateway } from '../../src/gateway/start';
import { SupergraphSource } from '../../src/gateway/supergraph/source';
import { createLogger } from '../../src/platform/logger';
import { readCatalogueConfig } from '../../src/subgraphs/catalogue/config';
import { startCatalogueSubgraph } from '../../src/subgraphs/catalogue/start';
import type { RunningSubgraph } from '../../src/platform/subgraph/server';
import { readPopulationConfig } from '../../src/subgraphs/population/config';
import { startPopulationSubgraph } from '../../src/subgraphs/population/start';
import { startPopulationStub, type StartedPopulationStub } from '../../src/stubs/population/server';
import { STUB_CLIENT, TEST_AUDIT_KEY } from './stack';
import type { TestDatabase } from './database';

export const TEST_SUBGRAPH_SECRET = 'test-subgraph-secret-0123456789abcdef';

export interface PlainGateway {
  url: string;
  running: RunningGateway;
  source: SupergraphSource;
  logs: string[];
  close(): Promise<void>;
}

/** A plain federation gateway (SUBGRAPHS or SUPERGRAPH_FILE in `env`) in the test process, with no key database. */
export async function startPlainGateway(env: Record<string, string>): Promise<PlainGateway> {
  const full = { PORT: '0', SUBGRAPH_SECRET: TEST_SUBGRAPH_SECRET, ...env };
  const config = readGatewayConfig(full);
  if (config.supergraph.kind === 'own') throw new Error('give SUBGRAPHS or SUPERGRAPH_FILE');
  const logs: string[] = [];
  const log = createLogger('debug', {}, (line) => logs.push(line));
  const source = new SupergraphSource(config.supergraph, config.subgraphSecret, config.subgraphTimeoutMs, log);
  const running = await startGateway({ config, source, secret: TEST_SUBGRAPH_SECRET, keys: NO_KEYS, log });
  return { url: running.http.url, running, source, logs, close: () => running.drain(Date.now() + 2_000).then(() => undefined) };
}

export interface OwnSubgraphs {
  catalogue: RunningSubgraph;
  population: RunningSubgraph;
  stub: StartedPopulationStub;
  close(): Promise<void>;
}

/** Our two subgraphs, each alone on a free port as `npm run subgraph` runs them, signed with TEST_SUBGRAPH_SECRET. */
export async function startOwnSubgraphs(database: TestDatabase): Promise<OwnSubgraphs> {
  const stub = await startPopulationStub({ port: 0, clients: { [STUB_CLIENT.id]: STUB_CLIENT.secret }, latencyMs: 0, jitterMs: 0 });
  const env = {
    PORT: '0',
    MONGODB_DB: database.name,
    SUBGRAPH_SECRET: TEST_SUBGRAPH_SECRET,
    POPULATION_API_URL: stub.url,
    POPULATION_CLIENT_ID: STUB_CLIENT.id,
    POPULATION_CLIENT_SECRET: STUB_CLIENT.secret,
    AUDIT_HASH_KEY: TEST_AUDIT_KEY,
  };
  const log = createLogger('error');
  const registry = new Registry();
  const catalogue = await startCatalogueSubgraph({ config: readCatalogueConfig(env), secret: TEST_SUBGRAPH_SECRET, uri: database.uri, log, registry });
  const population = await startPopulationSubgraph({ config: readPopulationConfig(env), secret: TEST_SUBGRAPH_SECRET, uri: database.uri, log, registry });
  return {
    catalogue,
    population,
    stub,
    async close() {
      await catalogue.close();
      await population.close();
      await stub.close();
    },
  };
}
