import type { NextFunction, Request, Response } from 'express';

/**
 * Where request budgets live. In-process by default; with several gateway
 * instances, an implementation over a shared store (Redis, MongoDB) takes its
 * place behind the same interface.
 */
export interface RateLimitStore {
  /** Takes one request from `key`'s budget of `limit` per `windowMs`; how long to wait when none is left. */
  take(key: string, limit: number, windowMs: number, now: number): { allowed: boolean; retryAfterMs: number };
}

/** Token buckets refilled continuously; idle buckets are dropped so memory follows active callers. */
export class InProcessRateLimitStore implements RateLimitStore {
  private readonly buckets = new Map<string, { tokens: number; updated: number }>();

  take(key: string, limit: number, windowMs: number, now: number): { allowed: boolean; retryAfterMs: number } {
    const rate = limit / windowMs;
    const bucket = this.buckets.get(key) ?? { tokens: limit, updated: now };
    bucket.tokens = Math.min(limit, bucket.tokens + (now - bucket.updated) * rate);
    bucket.updated = now;
    this.buckets.set(key, bucket);
    if (this.buckets.size > 100_000) this.evictFull(now, rate, limit);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true, retryAfterMs: 0 };
    }
    return { allowed: false, retryAfterMs: Math.ceil((1 - bucket.tokens) / rate) };
  }

  private evictFull(now: number, rate: number, limit: number): void {
    for (const [key, bucket] of this.buckets) if (bucket.tokens + (now - bucket.updated) * rate >= limit) this.buckets.delete(key);
  }
}

/** The key a request is counted under: the API key's public id, or the client's IP for anonymous callers. */
export function rateLimitKey(req: Request): { key: string; keyed: boolean } {
  const presented = /^Bearer\s+(\S+)$/i.exec(req.header('authorization') ?? '')?.[1] ?? req.header('x-api-key');
  const keyId = presented ? /^dvc_(k_[0-9a-f]{16})_/.exec(presented)?.[1] : undefined;
  return keyId ? { key: `key:${keyId}`, keyed: true } : { key: `ip:${req.ip ?? 'unknown'}`, keyed: false };
}

export interface RateLimitOptions {
  store: RateLimitStore;
  anonymousPerMinute: number;
  keyPerMinute: number;
  onReject?: (keyed: boolean) => void;
}

/** Express middleware: 429 with Retry-After (whole seconds) once a caller's budget is spent. */
export function rateLimit(options: RateLimitOptions) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const { key, keyed } = rateLimitKey(req);
    const limit = keyed ? options.keyPerMinute : options.anonymousPerMinute;
    const { allowed, retryAfterMs } = options.store.take(key, limit, 60_000, Date.now());
    if (allowed) return next();
    options.onReject?.(keyed);
    res.setHeader('retry-after', String(Math.max(1, Math.ceil(retryAfterMs / 1000))));
    res.status(429).json({ errors: [{ message: `Too many requests: ${limit} per minute ${keyed ? 'for this API key' : 'for anonymous callers from this address'}.`, extensions: { code: 'RATE_LIMITED' } }] });
  };
}
