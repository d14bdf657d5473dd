import { Redis, ReplyError } from 'ioredis';
import type { RedisConfig } from './config';
import type { Logger } from './logger';

/** Every key this project writes in Redis starts with this (a Redis shared with other software keeps them apart). */
export const REDIS_PREFIX = 'dvc:';

/** Longest wait between two reconnection attempts: Redis is used again at most this long after it returns. */
const MAX_RECONNECT_DELAY_MS = 1_000;

/**
 * ioredis options for a client that must never hold a request up: commands
 * fail at once while the connection is down (no offline queue, no retries of
 * a command), and a command that takes longer than the timeout fails too.
 * The client reconnects by itself, forever, at most a second apart.
 */
export function failFastOptions(config: RedisConfig, name: string) {
  return {
    connectionName: name,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: config.timeoutMs,
    connectTimeout: Math.max(config.timeoutMs, 1_000),
    retryStrategy: (attempt: number) => Math.min(attempt * 100, MAX_RECONNECT_DELAY_MS),
  };
}

/** A reply error is Redis answering (a script error, say), not Redis being unreachable. */
export function isReplyError(error: unknown): boolean {
  return error instanceof ReplyError;
}

export interface SharedRedis {
  client: Redis;
  /** True while the connection is ready for commands. */
  isUp(): boolean;
  /** Hears each change: ready (`afterOutage` when it had been lost or never came at start), or lost. */
  onChange(listener: (up: boolean, afterOutage: boolean) => void): void;
  /** Resolves once the connection is ready, or after `ms` (true when ready). */
  waitUntilUp(ms: number): Promise<boolean>;
  /** A command failed: a timeout makes the connection start again (a hung Redis counts as down until it answers). */
  failed(error: unknown): void;
  close(): Promise<void>;
}

/**
 * A long-lived connection to REDIS_URL that reports its state: the log says
 * once that Redis is unavailable (not once per failed reconnection) and once
 * that it is back; listeners hear both. Connection errors never throw.
 */
export function connectRedis(config: RedisConfig, log: Logger, name: string): SharedRedis {
  const client = new Redis(config.url, failFastOptions(config, name));
  const listeners: Array<(up: boolean, afterOutage: boolean) => void> = [];
  let state: 'starting' | 'up' | 'down' = 'starting';
  let closing = false;
  const notify = (up: boolean, afterOutage: boolean): void => {
    for (const listener of listeners) listener(up, afterOutage);
  };
  client.on('ready', () => {
    if (state === 'up') return;
    log.info(state === 'down' ? 'redis is available again: shared state in use' : 'redis connected', { redis: name });
    const afterOutage = state === 'down';
    state = 'up';
    notify(true, afterOutage);
  });
  // ioredis reports every failed reconnection: only the first after being up (or at start) is logged.
  const down = (reason: string): void => {
    if (state === 'down' || closing) return;
    state = 'down';
    log.warn('redis is unavailable: rate limits fall back to in-process budgets, the response cache is bypassed', { redis: name, reason });
    notify(false, false);
  };
  client.on('error', (error: Error) => down(error.message));
  client.on('close', () => down('connection closed'));
  return {
    client,
    isUp: () => state === 'up' && client.status === 'ready',
    onChange: (listener) => void listeners.push(listener),
    waitUntilUp: (ms) =>
      new Promise((resolve) => {
        if (state === 'up') return resolve(true);
        const timer = setTimeout(() => resolve(false), ms);
        timer.unref();
        client.once('ready', () => {
          clearTimeout(timer);
          resolve(true);
        });
      }),
    failed(error) {
      if (isReplyError(error) || !/timed out/i.test(error instanceof Error ? error.message : String(error))) return;
      client.disconnect(true);
    },
    async close() {
      closing = true;
      await client.quit().catch(() => client.disconnect());
    },
  };
}
