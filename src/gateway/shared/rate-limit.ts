import type { Redis } from 'ioredis';
import { REDIS_PREFIX } from '../../platform/redis';
import type { RateDecision, RateLimitStore } from '../rate-limit';
import type { GatewayRedis } from './redis';

/**
 * The same token bucket as InProcessRateLimitStore, as one Lua script so that
 * reading, refilling and taking are one atomic step in Redis: concurrent
 * requests on any number of instances never take the same token twice.
 * A bucket is a hash (tokens, updated); it expires once it would be full
 * again, so memory follows active callers. ARGV[4] = 1 takes, 0 only looks.
 * Returns { allowed (0/1), retryAfterMs }.
 */
export const TOKEN_BUCKET_LUA = `
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local take = ARGV[4] == '1'
local state = redis.call('HMGET', KEYS[1], 'tokens', 'updated')
local tokens = tonumber(state[1])
local updated = tonumber(state[2])
if tokens == nil or updated == nil then
  tokens = limit
  updated = now
end
-- Instances' clocks differ a little: time never runs backwards for a bucket.
if now > updated then
  tokens = math.min(limit, tokens + (now - updated) * limit / window)
  updated = now
end
if tokens >= 1 then
  if take then
    tokens = tokens - 1
    redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'updated', tostring(updated))
    redis.call('PEXPIRE', KEYS[1], math.ceil((limit - tokens) * window / limit) + 1000)
  end
  return {1, 0}
end
return {0, math.ceil((1 - tokens) * window / limit)}
`;

interface TokenBucketClient extends Redis {
  dvcTokenBucket(key: string, limit: number, windowMs: number, now: number, take: 0 | 1): Promise<[number, number]>;
}

/** Budgets in Redis, shared by every instance (keys `dvc:rl:key:<key id>`, `dvc:rl:ip:<network>`, `dvc:rl:auth-failures:<network>`). */
export class RedisRateLimitStore implements RateLimitStore {
  private readonly client: TokenBucketClient;

  constructor(client: Redis) {
    // ioredis runs it with EVALSHA, and loads it again after NOSCRIPT (a restarted Redis).
    if (!('dvcTokenBucket' in client)) client.defineCommand('dvcTokenBucket', { numberOfKeys: 1, lua: TOKEN_BUCKET_LUA });
    this.client = client as TokenBucketClient;
  }

  take(key: string, limit: number, windowMs: number, now: number): Promise<RateDecision> {
    return this.run(key, limit, windowMs, now, 1);
  }

  peek(key: string, limit: number, windowMs: number, now: number): Promise<RateDecision> {
    return this.run(key, limit, windowMs, now, 0);
  }

  private async run(key: string, limit: number, windowMs: number, now: number, take: 0 | 1): Promise<RateDecision> {
    const [allowed, retryAfterMs] = await this.client.dvcTokenBucket(`${REDIS_PREFIX}rl:${key}`, limit, windowMs, Math.floor(now), take);
    return { allowed: allowed === 1, retryAfterMs };
  }
}

/**
 * Redis's budgets while it answers; the in-process ones while it does not
 * (each instance then enforces the budget alone, as without REDIS_URL), and
 * Redis's again as soon as it returns, without a restart.
 */
export class FailoverRateLimitStore implements RateLimitStore {
  constructor(
    private readonly redis: GatewayRedis,
    private readonly shared: RateLimitStore,
    private readonly local: RateLimitStore,
  ) {}

  take(key: string, limit: number, windowMs: number, now: number): Promise<RateDecision> {
    return this.either((store) => store.take(key, limit, windowMs, now));
  }

  peek(key: string, limit: number, windowMs: number, now: number): Promise<RateDecision> {
    return this.either((store) => store.peek(key, limit, windowMs, now));
  }

  private async either(call: (store: RateLimitStore) => Promise<RateDecision>): Promise<RateDecision> {
    if (!this.redis.isUp()) return call(this.local);
    try {
      return await call(this.shared);
    } catch (error) {
      this.redis.failed('rate_limit', error);
      return call(this.local);
    }
  }
}
