import { ConfigError, readDatabaseConfig, readLogLevel } from '../platform/config';
import { startEmbeddedDatabase } from '../platform/db/embedded';
import { createLogger } from '../platform/logger';

/** `npm run db`: the embedded local database alone, for people who want it standing. */
async function main(): Promise<void> {
  const config = readDatabaseConfig(process.env);
  const log = createLogger(readLogLevel(process.env), { service: 'local-db' });
  const database = await startEmbeddedDatabase({ dataDir: config.localDbDir, cacheDir: config.cacheDir, port: config.localDbPort || 27017, log });
  process.stdout.write(`Local database (FerretDB on SQLite) listening: MONGODB_URI=${database.uri}\nData in ${config.localDbDir}. Ctrl-C stops it.\n`);
  const stop = (): void => void database.stop().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  const code = await database.exited;
  process.exit(code ?? 1);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof ConfigError || error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
