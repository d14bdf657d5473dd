import type { APQStore } from '@graphql-yoga/plugin-apq';
import type { Registry } from 'prom-client';
import type { Logger } from '../../platform/logger';
import type { GatewayConfig } from '../config';
import type { ResponseCacheOptions } from '../edge/response-cache';
import { InProcessRateLimitStore, type RateLimitStore } from '../rate-limit';
import { sharedApqStore } from './apq';
import { FailoverRateLimitStore, RedisRateLimitStore } from './rate-limit';
import { connectGatewayRedis, type GatewayRedis } from './redis';
import { redisResponseStore } from './response-store';

/** What several instances share through REDIS_URL; without it, each instance's own, as before. */
export interface SharedState {
  redis: GatewayRedis | undefined;
  rateLimitStore: RateLimitStore;
  /** Undefined: the APQ plugin's in-process store. */
  apqStore: APQStore | undefined;
  /** Undefined: no response cache (REDIS_URL unset, or RESPONSE_CACHE_ENABLED=false). */
  responseCache: ResponseCacheOptions | undefined;
}

export interface SharedStateOptions {
  config: GatewayConfig;
  registry: Registry;
  log: Logger;
  personalFields: () => ReadonlySet<string>;
  supergraphId: () => string;
  /** A store given by the caller (tests) takes precedence over REDIS_URL's. */
  rateLimitStore?: RateLimitStore;
}

/**
 * Without REDIS_URL there is no response cache at all: `npm run seed` in
 * another process could not reach an in-process cache to invalidate it.
 */
export function createSharedState(options: SharedStateOptions): SharedState {
  const { config } = options;
  if (!config.redis) return { redis: undefined, rateLimitStore: options.rateLimitStore ?? new InProcessRateLimitStore(), apqStore: undefined, responseCache: undefined };
  const redis = connectGatewayRedis(config.redis, options.registry, options.log);
  const responseCache: ResponseCacheOptions | undefined = config.responseCache
    ? {
        store: redisResponseStore(redis),
        available: redis.isUp,
        failed: (error) => redis.failed('response_cache', error),
        personalSubgraphs: config.personalSubgraphs,
        personalFields: options.personalFields,
        supergraphId: options.supergraphId,
        registry: options.registry,
      }
    : undefined;
  return {
    redis,
    rateLimitStore: options.rateLimitStore ?? new FailoverRateLimitStore(redis, new RedisRateLimitStore(redis.client), new InProcessRateLimitStore()),
    apqStore: sharedApqStore(redis),
    responseCache,
  };
}
