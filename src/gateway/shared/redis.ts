import type { Redis } from 'ioredis';
import type { Registry } from 'prom-client';
import { CATALOGUE_VERSION_KEY } from '../../platform/catalogue-version';
import type { RedisConfig } from '../../platform/config';
import type { Logger } from '../../platform/logger';
import { counter, gauge } from '../../platform/metrics';
import { connectRedis } from '../../platform/redis';

/** What a Redis command was for (a metric label). */
export type RedisUse = 'rate_limit' | 'apq' | 'response_cache' | 'catalogue_version';

/** The gateway's one connection to REDIS_URL, shared by the rate limits, APQ and the response cache. */
export interface GatewayRedis {
  client: Redis;
  /** Ready for commands; while false every user goes in-process (or bypasses the cache) without trying. */
  isUp(): boolean;
  /** A command for `use` failed: counted; a timeout makes the connection start again. */
  failed(use: RedisUse, error: unknown): void;
  waitUntilUp(ms: number): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * Connects to REDIS_URL and keeps `gateway_redis_up` and
 * `gateway_redis_errors_total` current. When Redis returns after an outage,
 * the catalogue version is bumped: a write made meanwhile (`npm run seed`
 * against a Redis it could not reach) must not leave older responses servable.
 */
export function connectGatewayRedis(config: RedisConfig, registry: Registry, log: Logger): GatewayRedis {
  const shared = connectRedis(config, log, 'dvc-gateway');
  const upGauge = gauge(
    registry,
    'gateway_redis_up',
    '1 while the gateway is connected to REDIS_URL (shared rate limits, APQ and response cache), 0 while it falls back to in-process state.',
    [],
  );
  const errors = counter(registry, 'gateway_redis_errors_total', 'Redis commands that failed, by what they were for (rate_limit, apq, response_cache, catalogue_version).', [
    'use',
  ]);
  upGauge.set(0);
  const failed = (use: RedisUse, error: unknown): void => {
    errors.inc({ use });
    shared.failed(error);
  };
  shared.onChange((up, afterOutage) => {
    upGauge.set(up ? 1 : 0);
    if (up && afterOutage) void shared.client.incr(CATALOGUE_VERSION_KEY).catch((error: unknown) => failed('catalogue_version', error));
  });
  return { client: shared.client, isUp: shared.isUp, failed, waitUntilUp: shared.waitUntilUp, close: shared.close };
}
