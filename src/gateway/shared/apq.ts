import { createInMemoryAPQStore, type APQStore } from '@graphql-yoga/plugin-apq';
import { REDIS_PREFIX } from '../../platform/redis';
import type { GatewayRedis } from './redis';

/** How long a registered operation stays in Redis after its last registration; a client that finds it gone registers it again (the protocol's own recovery). */
export const APQ_TTL_SECONDS = 24 * 60 * 60;

/**
 * Automatic persisted queries shared by every instance: `dvc:apq:<sha256>` →
 * the operation's text, for a day. Every registration is also kept in the
 * process (the plugin's own bounded LRU), so while Redis is down an instance
 * still serves the hashes registered through it, and the others answer
 * PERSISTED_QUERY_NOT_FOUND, upon which clients send the text again.
 */
export function sharedApqStore(redis: GatewayRedis): APQStore {
  const local = createInMemoryAPQStore();
  const key = (hash: string): string => `${REDIS_PREFIX}apq:${hash}`;
  return {
    async get(hash) {
      if (redis.isUp()) {
        try {
          const text = await redis.client.get(key(hash));
          if (text !== null) return text;
        } catch (error) {
          redis.failed('apq', error);
        }
      }
      return local.get(hash);
    },
    async set(hash, text) {
      // The plugin checked that `hash` is the text's SHA-256 before storing it.
      await local.set(hash, text);
      if (!redis.isUp()) return;
      try {
        await redis.client.set(key(hash), text, 'EX', APQ_TTL_SECONDS);
      } catch (error) {
        redis.failed('apq', error);
      }
    },
  };
}
