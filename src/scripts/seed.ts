import { redisCatalogueVersion } from '../platform/catalogue-version';
import { readDatabaseConfig, readLogLevel, readRedisConfig } from '../platform/config';
import { openDatabase } from '../platform/db/open';
import { createLogger } from '../platform/logger';
import { catalogueCollections, ensureCatalogueIndexes } from '../subgraphs/catalogue/collections';
import { isCatalogueEmpty, loadSeedData, readSeedData, validateSeedData } from '../subgraphs/catalogue/seed/load';

/**
 * `npm run seed`: validates seeds/data and loads it into the configured database
 * (MONGODB_URI, or the embedded one). Idempotent. With REDIS_URL, then bumps
 * the catalogue version there, so gateways sharing that Redis stop serving the
 * responses they cached before (exit 1 if Redis does not answer).
 * `npm run seed -- --check` validates only, without a database.
 */
async function main(): Promise<void> {
  const data = readSeedData();
  const problems = validateSeedData(data);
  if (problems.length > 0) {
    process.stderr.write(`Seed data has ${problems.length} problem(s):\n- ${problems.join('\n- ')}\n`);
    process.exit(1);
  }
  const counts = `${data.directives.length} directives, ${data.services.length} services, ${data.milestones.length} milestones, ${data.agencies.length} agencies, ${data.provincesBefore.length + data.provincesFrom.length} provinces`;
  if (process.argv.includes('--check')) {
    process.stdout.write(`Seed data is consistent: ${counts}.\n`);
    return;
  }
  const config = readDatabaseConfig(process.env);
  const version = redisCatalogueVersion(readRedisConfig(process.env));
  const database = await openDatabase(config, createLogger(readLogLevel(process.env), { service: 'seed' }), 'dvc-seed');
  try {
    const db = catalogueCollections(database.db);
    await ensureCatalogueIndexes(db);
    const wasEmpty = await isCatalogueEmpty(db);
    const summary = await loadSeedData(db, data, version);
    process.stdout.write(`${wasEmpty ? 'Loaded' : 'Reloaded'} seed data into ${config.databaseName}: ${JSON.stringify(summary)}\n`);
  } finally {
    await database.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
