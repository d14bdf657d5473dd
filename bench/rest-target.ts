/**
 * The REST floor (bench/rest-floor.ts) in a process of its own:
 *
 *   node dist/bench/rest-target.js
 *
 * Settings: MONGODB_URI, MONGODB_DB, DB_REQUEST_TIMEOUT_MS. Prints
 * `{"url": …, "commands": …}`; the commands URL counts its database commands.
 */
import { connectDatabase } from '../src/platform/db/client';
import { readDatabaseConfig } from '../src/platform/config';
import { listen } from '../src/platform/http/listen';
import { createLogger } from '../src/platform/logger';
import { catalogueCollections } from '../src/subgraphs/catalogue/collections';
import { announce, requiredEnv, runTarget } from './child';
import { serveCommandCount } from './commands';
import { createRestFloor } from './rest-floor';

async function main(): Promise<void> {
  const config = readDatabaseConfig(process.env);
  const log = createLogger('error', { service: 'bench-rest' });
  const database = await connectDatabase({
    uri: requiredEnv('MONGODB_URI'),
    databaseName: config.databaseName,
    connectTimeoutMs: config.dbConnectTimeoutMs,
    requestTimeoutMs: config.dbRequestTimeoutMs,
    appName: 'dvc-bench-rest',
    log,
  });
  const http = await listen(createRestFloor(catalogueCollections(database.db)), 0, '127.0.0.1');
  const commands = await serveCommandCount([database.client]);
  announce({ url: http.url, commands: commands.url });
}

if (require.main === module) runTarget(main);
