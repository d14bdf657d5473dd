import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startEmbeddedDatabase, type EmbeddedDatabase } from '../../src/platform/db/embedded';
import { createLogger } from '../../src/platform/logger';
import { startRecording } from './index-coverage';

declare global {
  // Handed from global setup to global teardown (same process).
  var __TEST_DATABASE__: EmbeddedDatabase | undefined;
}

/**
 * One real database for the whole run: MONGODB_URI when given (a real MongoDB),
 * otherwise the embedded FerretDB, built into the project's .cache like `npm start` does.
 * Workers read the URI from TEST_MONGODB_URI; each test file uses its own database.
 */
export default async function globalSetup(): Promise<void> {
  // Every catalogue read of the run is recorded, and checked against the indexes at the end (global-teardown.ts).
  startRecording();
  if (process.env.MONGODB_URI) {
    process.env.TEST_MONGODB_URI = process.env.MONGODB_URI;
    return;
  }
  const dataDir = await mkdtemp(join(tmpdir(), 'dvc-gateway-test-db-'));
  const database = await startEmbeddedDatabase({
    dataDir,
    cacheDir: resolve(__dirname, '..', '..', '.cache'),
    log: createLogger('warn', { service: 'test-db' }),
    startTimeoutMs: 60_000,
  });
  globalThis.__TEST_DATABASE__ = database;
  process.env.TEST_MONGODB_URI = database.uri;
  process.env.TEST_DB_DATA_DIR = dataDir;
}
