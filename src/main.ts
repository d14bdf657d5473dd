// Tracing starts before any other module loads: the MongoDB driver's instrumentation patches it as it loads.
// (With OTEL_EXPORTER_OTLP_ENDPOINT unset this does nothing.)
import { startTracing, stopTracing } from './platform/tracing';
startTracing(process.env, 'gateway');

import { NO_KEYS, mongoKeyStore, type KeyStore } from './gateway/api-keys';
import { DRAIN_SHARE_OF_SHUTDOWN, readGatewayConfig, type GatewayConfig } from './gateway/config';
import { startGateway, type RunningGateway } from './gateway/start';
import { SupergraphSource } from './gateway/supergraph/source';
import { ConfigError, type Env } from './platform/config';
import { connectDatabase } from './platform/db/client';
import { openDatabase, type OpenDatabase } from './platform/db/open';
import { createLogger, type Logger } from './platform/logger';
import { readCatalogueConfig } from './subgraphs/catalogue/config';
import { readPopulationConfig } from './subgraphs/population/config';
import { startOwnStack } from './stack';

/**
 * `npm start`. With neither SUBGRAPHS nor SUPERGRAPH_FILE: the whole gateway
 * with its embedded defaults — the database (embedded FerretDB unless
 * MONGODB_URI), both subgraphs of ours on loopback ports (each with its own
 * HTTP server and database connection, as if deployed apart), the population
 * stub, and the gateway composing them on PORT. With either: a plain
 * federation gateway over subgraphs that run elsewhere.
 */

interface Stoppable {
  running: RunningGateway;
  /** What runs behind the gateway, stopped after it drains, in this order. */
  behind: Array<() => Promise<void>>;
}

async function startAllInOne(env: Env, config: GatewayConfig, log: Logger): Promise<Stoppable> {
  // Validate every component's settings before starting anything.
  readCatalogueConfig(env);
  readPopulationConfig(env);
  const database: OpenDatabase = await openDatabase(config.database, log, 'dvc-gateway');
  const uri = database.embedded?.uri ?? (config.database.mongodbUri as string);
  const stack = await startOwnStack({ env, config, uri, log });
  void database.embedded?.exited.then((code) => log.error('the embedded database exited', { code }));
  return { running: stack.gateway, behind: [() => stack.closeBehind(), () => database.close()] };
}

async function startPlain(config: GatewayConfig, log: Logger): Promise<Stoppable> {
  let keys: KeyStore = NO_KEYS;
  const behind: Array<() => Promise<void>> = [];
  if (config.hasKeyDatabase) {
    const database = await connectDatabase({
      uri: config.database.mongodbUri as string,
      databaseName: config.database.databaseName,
      connectTimeoutMs: config.database.dbConnectTimeoutMs,
      requestTimeoutMs: config.database.dbRequestTimeoutMs,
      appName: 'dvc-gateway',
      log,
    });
    keys = mongoKeyStore(database.db);
    behind.push(() => database.client.close());
  } else {
    log.warn('MONGODB_URI is not set: this gateway has no API keys, so every key is refused and callers are public');
  }
  if (config.supergraph.kind === 'own') throw new Error('startPlain needs SUBGRAPHS or SUPERGRAPH_FILE');
  const source = new SupergraphSource(config.supergraph, config.subgraphSecret, config.subgraphTimeoutMs, log);
  if (!config.subgraphSecret) log.warn('SUBGRAPH_SECRET is not set: subgraph requests go unsigned, and subgraphs of ours refuse them');
  const running = await startGateway({ config, source, secret: config.subgraphSecret, keys, log });
  return { running, behind };
}

function onSignals(stoppable: Stoppable, config: GatewayConfig, log: Logger): void {
  let stopping = false;
  const shutdown = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    log.info('shutting down', { signal });
    setTimeout(() => {
      log.error('shutdown took too long; exiting', { timeoutMs: config.shutdownTimeoutMs });
      process.exit(1);
    }, config.shutdownTimeoutMs).unref();
    try {
      // Refuse new connections, finish the requests already received, then stop what is behind.
      const { unfinished } = await stoppable.running.drain(Date.now() + config.shutdownTimeoutMs * DRAIN_SHARE_OF_SHUTDOWN);
      if (unfinished > 0) log.warn('requests still running at the shutdown deadline were cut', { unfinished });
      for (const stop of stoppable.behind) await stop();
      // The last spans (this shutdown's requests) are still buffered.
      await stopTracing().catch((error: unknown) => log.warn('traces could not be flushed', { reason: String(error) }));
      log.info('stopped');
      process.exit(0);
    } catch (error) {
      log.error('error during shutdown', { error: String(error) });
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGHUP', () => void stoppable.running.gateway.reload());
}

async function main(): Promise<void> {
  let config: GatewayConfig;
  try {
    config = readGatewayConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const log = createLogger(config.logLevel, { service: 'dvc-gateway' });
  const stoppable = config.supergraph.kind === 'own' ? await startAllInOne(process.env, config, log) : await startPlain(config, log);
  onSignals(stoppable, config, log);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(error instanceof ConfigError ? 2 : 1);
});
