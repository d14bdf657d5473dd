/**
 * Where request budgets live. In-process by default; with several gateway
 * instances, an implementation over a shared store takes its place behind the
 * same interface.
 */
export interface RateLimitStore {
  /** Takes one request from `key`'s budget of `limit` per `windowMs`; how long to wait when none is left. */
  take(key: string, limit: number, windowMs: number, now: number): Promise<RateDecision>;
  /** Whether `key` has at least one request left, without taking it. */
  peek(key: string, limit: number, windowMs: number, now: number): Promise<RateDecision>;
}

export interface RateDecision {
  allowed: boolean;
  retryAfterMs: number;
}

interface Bucket {
  tokens: number;
  updated: number;
}

/** Token buckets refilled continuously; idle buckets are dropped so memory follows active callers. */
export class InProcessRateLimitStore implements RateLimitStore {
  private readonly buckets = new Map<string, Bucket>();

  async take(key: string, limit: number, windowMs: number, now: number): Promise<RateDecision> {
    const bucket = this.refill(key, limit, windowMs, now);
    this.buckets.set(key, bucket);
    if (this.buckets.size > 100_000) this.evictFull(now, limit / windowMs, limit);
    if (bucket.tokens < 1) return { allowed: false, retryAfterMs: Math.ceil(((1 - bucket.tokens) * windowMs) / limit) };
    bucket.tokens -= 1;
    return { allowed: true, retryAfterMs: 0 };
  }

  async peek(key: string, limit: number, windowMs: number, now: number): Promise<RateDecision> {
    const bucket = this.refill(key, limit, windowMs, now);
    return bucket.tokens >= 1 ? { allowed: true, retryAfterMs: 0 } : { allowed: false, retryAfterMs: Math.ceil(((1 - bucket.tokens) * windowMs) / limit) };
  }

  private refill(key: string, limit: number, windowMs: number, now: number): Bucket {
    const bucket = this.buckets.get(key) ?? { tokens: limit, updated: now };
    return { tokens: Math.min(limit, bucket.tokens + ((now - bucket.updated) * limit) / windowMs), updated: now };
  }

  private evictFull(now: number, rate: number, limit: number): void {
    for (const [key, bucket] of this.buckets) if (bucket.tokens + (now - bucket.updated) * rate >= limit) this.buckets.delete(key);
  }
}
