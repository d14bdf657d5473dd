import { readBool, readInt, readRedisConfig, readText, type Env, type RedisConfig } from '../../platform/config';
import { readSubgraphConfig, type SubgraphConfig } from '../../platform/subgraph/config';

/** The catalogue subgraph's settings (`npm run subgraph -- catalogue`, or in-process under `npm start`). */
export interface CatalogueConfig extends SubgraphConfig {
  /** SEED_ON_START: load seeds/data when the catalogue is empty. */
  seedOnStart: boolean;
  /** CACHE_MAX_AGE_SECONDS: how long public catalogue responses may be cached (0: not at all). */
  cacheMaxAgeSeconds: number;
  /** REDIS_URL: where gateways share their response cache; seeding on start bumps the catalogue version there. */
  redis: RedisConfig | undefined;
  /**
   * DVC_RECORD_COMMANDS (tests and the benchmark, not a deployment setting): append the
   * shape of every read the subgraph sends to this file, for the index-coverage check.
   */
  recordCommandsFile: string | undefined;
}

/** Default port of the catalogue subgraph when it runs alone (the committed supergraph points there). */
export const CATALOGUE_DEFAULT_PORT = 4001;

export function readCatalogueConfig(env: Env): CatalogueConfig {
  return {
    ...readSubgraphConfig(env, CATALOGUE_DEFAULT_PORT),
    seedOnStart: readBool(env, 'SEED_ON_START', true),
    cacheMaxAgeSeconds: readInt(env, 'CACHE_MAX_AGE_SECONDS', 300, 0, 86_400),
    redis: readRedisConfig(env),
    recordCommandsFile: readText(env, 'DVC_RECORD_COMMANDS'),
  };
}
