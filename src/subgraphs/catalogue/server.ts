import { randomUUID } from 'node:crypto';
import type { Registry } from 'prom-client';
import { CatalogueVersionError, redisCatalogueVersion } from '../../platform/catalogue-version';
import type { DatabaseConnection } from '../../platform/db/client';
import { recordReadShapes } from '../../platform/db/command-recorder';
import { MAX_EXPORT_PAGE_SIZE, MAX_PAGE_SIZE } from '../../platform/db/paginate';
import type { Logger } from '../../platform/logger';
import { projectPath, PROJECT_VERSION } from '../../platform/paths';
import { countDatabaseCommands } from '../../platform/subgraph/metrics';
import { buildSubgraphSchema, readSubgraphSdl } from '../../platform/subgraph/schema';
import { createSubgraphServer, type SubgraphServer } from '../../platform/subgraph/server';
import { resolvers } from '../../../resolvers/catalogue';
import { catalogueCollections, ensureCatalogueIndexes, type CatalogueCollections } from './collections';
import type { CatalogueConfig } from './config';
import type { CatalogueContext } from './context';
import { createLoaders, type LoaderOptions } from './loaders';
import { isCatalogueEmpty, loadSeedData } from './seed/load';

/** The catalogue subgraph's SDL, as `_service { sdl }` returns it to composition. */
export function catalogueSdl(): string {
  return readSubgraphSdl(projectPath('schema', 'catalogue'));
}

export interface CatalogueSubgraphOptions {
  config: CatalogueConfig;
  /** SUBGRAPH_SECRET (generated per run under `npm start`). */
  secret: string;
  database: DatabaseConnection;
  log: Logger;
  registry: Registry;
  /** The benchmark's naive variant only (bench/naive.ts); the subgraph batches by default. */
  loaderOptions?: LoaderOptions;
}

/** Indexes (idempotent, every start) and, when the catalogue is empty and SEED_ON_START allows, the curated seed data. */
export async function prepareCatalogueDatabase(database: DatabaseConnection, config: CatalogueConfig, log: Logger): Promise<CatalogueCollections> {
  const db = catalogueCollections(database.db);
  await ensureCatalogueIndexes(db);
  if (!config.seedOnStart || !(await isCatalogueEmpty(db))) return db;
  try {
    log.info('catalogue seeded from seeds/data', { ...(await loadSeedData(db, undefined, redisCatalogueVersion(config.redis))) });
  } catch (error) {
    // The data is in; only the shared cache may lag (bounded by max-age): serve rather than refuse to start.
    if (!(error instanceof CatalogueVersionError)) throw error;
    log.error('catalogue seeded, but the catalogue version could not be bumped in Redis', { error: error.message });
  }
  return db;
}

/** The catalogue subgraph: directives, services, milestones, agencies, provinces, search and breakdowns over MongoDB. */
export async function createCatalogueSubgraph(options: CatalogueSubgraphOptions): Promise<SubgraphServer<CatalogueContext>> {
  const { config, database, log } = options;
  const db = catalogueCollections(database.db);
  countDatabaseCommands(database.client, options.registry, 'catalogue');
  if (config.recordCommandsFile) recordReadShapes(database.client, config.recordCommandsFile, 'catalogue');
  const pingDatabase = async (): Promise<boolean> => {
    try {
      await database.db.command({ ping: 1 });
      return true;
    } catch {
      return false;
    }
  };
  return createSubgraphServer<CatalogueContext>({
    name: 'catalogue',
    schema: buildSubgraphSchema(catalogueSdl(), resolvers),
    secret: options.secret,
    log,
    authDefault: 'allow',
    introspection: config.introspectionEnabled,
    hideSchemaDetails: config.production,
    defaultMaxAge: config.cacheMaxAgeSeconds,
    maxBodyBytes: config.maxBodyBytes,
    registry: options.registry,
    metrics: config.metrics,
    contextFor: (identity) => ({
      db,
      loaders: createLoaders(db, options.loaderOptions),
      log: log.child({ requestId: identity.requestId }),
      requestId: identity.requestId ?? randomUUID(),
      principal: identity.principal,
      maxPageSize: identity.exportPageSize ? Math.min(identity.exportPageSize, MAX_EXPORT_PAGE_SIZE) : MAX_PAGE_SIZE,
      pingDatabase,
      version: PROJECT_VERSION,
    }),
    readiness: async () => {
      const reachable = await pingDatabase();
      return { status: reachable ? 'ready' : 'unready', database: reachable };
    },
  });
}
