import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isCatalogueEmpty, loadSeedData } from '../seeds/load';
import { ConfigError, loadConfig } from './config';
import { collections, ensureIndexes } from './db/collections';
import { openDatabase } from './db/open';
import { createLogger } from './logger';
import { createServer } from './server';
import { GracefulHttp } from './http/graceful';
import { createPopulationClient } from './connectors/population/client';
import { startPopulationStub } from './connectors/population/stub/server';

/** Entry point of `npm start`: config → database → indexes → seed if empty → listen. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const log = createLogger(config.logLevel, { service: 'dvc-gateway' });
  const database = await openDatabase(config, log);
  const db = collections(database.db);
  await ensureIndexes(db);
  if (config.seedOnStart && (await isCatalogueEmpty(db))) {
    const summary = await loadSeedData(db);
    log.info('catalogue seeded from seeds/data', { ...summary });
  }

  // The population connector always crosses a real HTTP hop: to POPULATION_API_URL, or to the stub started here.
  const stub = config.population.url
    ? undefined
    : await startPopulationStub({ port: 0, clients: { [config.population.clientId]: config.population.clientSecret } });
  if (stub) log.info('population stub started', { url: stub.url });
  if (config.auditHashKeyIsDefault) log.warn('AUDIT_HASH_KEY is not set: the audit trail uses the development key');
  const population = createPopulationClient(config.population, config.population.url ?? (stub as { url: string }).url, log);

  const httpServer = createHttpServer();
  const gateway = await createServer({ config, database, log, population });
  const graceful = new GracefulHttp(httpServer);
  httpServer.on('request', graceful.handler(gateway.app));
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(config.port, config.host, resolve);
  });
  const { port } = httpServer.address() as AddressInfo;
  log.info('gateway ready', { url: `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${port}/graphql` });

  let shuttingDown = false;
  const shutdown = async (signal: string): Promise<void> => {
    if (shuttingDown) return;
    shuttingDown = true;
    log.info('shutting down', { signal });
    const timer = setTimeout(() => {
      log.error('shutdown took too long; exiting', { timeoutMs: config.shutdownTimeoutMs });
      process.exit(1);
    }, config.shutdownTimeoutMs);
    timer.unref();
    try {
      // Refuse new connections, finish the requests already received, then stop Apollo.
      const { unfinished } = await graceful.drain(Date.now() + config.shutdownTimeoutMs * 0.8);
      if (unfinished > 0) log.warn('requests still running at the shutdown deadline were cut', { unfinished });
      await gateway.stop();
      log.debug('http drained');
      await database.close(); // closes the driver, then stops the embedded database
      await stub?.close();
      log.info('stopped');
      process.exit(0);
    } catch (error) {
      log.error('error during shutdown', { error: String(error) });
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  // If the embedded database dies under us, requests fail with DATABASE_UNAVAILABLE; say why in the log.
  void database.embedded?.exited.then((code) => {
    if (!shuttingDown) log.error('the embedded database exited', { code });
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
