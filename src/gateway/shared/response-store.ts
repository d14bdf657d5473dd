import { CATALOGUE_VERSION_KEY } from '../../platform/catalogue-version';
import { REDIS_PREFIX } from '../../platform/redis';
import type { GatewayRedis } from './redis';

/** One cached response: the data of an error-free result, and how long it may be served. */
export interface CachedResponse {
  data: unknown;
  /** When it stops being servable (ms since the epoch): stored at + the response's max-age. */
  expiresAt: number;
  /** A subgraph marked it `private`: served with `private` even to anonymous callers. */
  private: boolean;
}

export interface CacheLookup {
  /** The catalogue version at the time of the lookup: a response computed now is stored under it. */
  version: string;
  /** The response stored under this key and version, if any. */
  entry: CachedResponse | undefined;
}

export interface ResponseStore {
  lookup(key: string): Promise<CacheLookup>;
  save(key: string, version: string, entry: CachedResponse): Promise<void>;
}

/** A larger response is not stored: a cache entry should not cost Redis more than the query costs the database. */
export const MAX_CACHED_RESPONSE_BYTES = 1_000_000;

interface StoredEntry {
  /** The catalogue version it was computed under. */
  v: string;
  e: number;
  p: boolean;
  d: unknown;
}

const entryKey = (key: string): string => `${REDIS_PREFIX}rc:${key}`;

/**
 * Responses in Redis: `dvc:rc:<sha256 of role, supergraph, operation and
 * variables>` → { version, expiresAt, private, data }, expiring with the
 * response's max-age. One MGET reads the catalogue version and the entry
 * together (one round trip per lookup); an entry from another version is a
 * miss, and is overwritten by the next store.
 */
export function redisResponseStore(redis: GatewayRedis): ResponseStore {
  return {
    async lookup(key) {
      const [version, stored] = await redis.client.mget(CATALOGUE_VERSION_KEY, entryKey(key));
      const current = version ?? '0';
      if (stored === null || stored === undefined) return { version: current, entry: undefined };
      const entry = JSON.parse(stored) as StoredEntry;
      return { version: current, entry: entry.v === current ? { data: entry.d, expiresAt: entry.e, private: entry.p } : undefined };
    },
    async save(key, version, entry) {
      const ttlMs = entry.expiresAt - Date.now();
      if (ttlMs <= 0) return;
      const text = JSON.stringify({ v: version, e: entry.expiresAt, p: entry.private, d: entry.data } satisfies StoredEntry);
      if (Buffer.byteLength(text) > MAX_CACHED_RESPONSE_BYTES) return;
      await redis.client.set(entryKey(key), text, 'PX', ttlMs);
    },
  };
}
