import { Redis } from 'ioredis';
import type { RedisConfig } from './config';
import { failFastOptions, REDIS_PREFIX } from './redis';

/**
 * The catalogue's version: a counter in Redis that is part of every response
 * cache key. Every write to the catalogue (`npm run seed`, seed on start, the
 * synthetic loader) increments it once the write is done, so every response
 * cached before it can no longer be found — at once, on every instance — and
 * gateways increment it when Redis returns after an outage, since a write may
 * have been missed meanwhile. It lives in Redis because that is what every
 * instance and every writer of a deployment with a shared cache can reach.
 */
export const CATALOGUE_VERSION_KEY = `${REDIS_PREFIX}catalogue:version`;

export interface CatalogueVersion {
  /** After a write to the catalogue: makes every response cached before it unreachable. */
  bump(): Promise<void>;
}

/** Without REDIS_URL there is no shared response cache to invalidate. */
export const NO_SHARED_CACHE: CatalogueVersion = { bump: async () => undefined };

/** The catalogue was written, but the version could not be bumped. */
export class CatalogueVersionError extends Error {
  override name = 'CatalogueVersionError';
}

/**
 * A writer's view of the version: one short connection per bump (writers run
 * rarely). Fails with CatalogueVersionError when Redis does not answer.
 */
export function redisCatalogueVersion(config: RedisConfig | undefined): CatalogueVersion {
  if (!config) return NO_SHARED_CACHE;
  return {
    async bump() {
      // One attempt, no reconnection: a writer reports the failure rather than waiting for Redis.
      const client = new Redis(config.url, { ...failFastOptions(config, 'dvc-catalogue-writer'), lazyConnect: true, retryStrategy: () => null });
      client.on('error', () => undefined);
      try {
        await client.connect();
        await client.incr(CATALOGUE_VERSION_KEY);
      } catch (error) {
        throw new CatalogueVersionError(
          `The catalogue was written, but Redis (REDIS_URL) did not take the new catalogue version (${error instanceof Error ? error.message : String(error)}): ` +
            'gateways may serve responses cached before the write until their max-age runs out. Run the write again once Redis answers.',
        );
      } finally {
        client.disconnect();
      }
    },
  };
}
