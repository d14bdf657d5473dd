import { MongoClient, type Db } from 'mongodb';
import type { Logger } from '../logger';
import { setReadTimeLimit } from './queries';

export interface DatabaseConnection {
  client: MongoClient;
  db: Db;
}

export class DatabaseUnreachableError extends Error {
  override name = 'DatabaseUnreachableError';
}

/** The URI with any password replaced, for logs. */
export function redactUri(uri: string): string {
  return uri.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}

export interface ConnectOptions {
  uri: string;
  databaseName: string;
  /** Keep retrying this long at start before giving up. */
  connectTimeoutMs: number;
  /** Longest one operation may take, server selection included (→ DATABASE_UNAVAILABLE). */
  requestTimeoutMs: number;
  /** Shown in the server's logs and currentOp: which component connected. */
  appName: string;
  log: Logger;
}

/**
 * Connects, retrying until `connectTimeoutMs` has passed. Once connected the
 * driver reconnects by itself when the server comes back after an outage.
 */
export async function connectDatabase(options: ConnectOptions): Promise<DatabaseConnection> {
  const deadline = Date.now() + options.connectTimeoutMs;
  setReadTimeLimit(options.requestTimeoutMs);
  const client = new MongoClient(options.uri, {
    serverSelectionTimeoutMS: options.requestTimeoutMs,
    connectTimeoutMS: options.requestTimeoutMs,
    // The client stops waiting after twice the request timeout; the server's own limit
    // (maxTimeMS on every read, src/platform/db/queries.ts) ends the work first.
    socketTimeoutMS: options.requestTimeoutMs * 2,
    appName: options.appName,
    // Command events feed the database-command metric (src/platform/subgraph/metrics.ts).
    monitorCommands: true,
  });
  for (let attempt = 1; ; attempt += 1) {
    try {
      await client.db(options.databaseName).command({ ping: 1 });
      options.log.info('database connected', { uri: redactUri(options.uri), database: options.databaseName });
      return { client, db: client.db(options.databaseName) };
    } catch (error) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        await client.close().catch(() => undefined);
        throw new DatabaseUnreachableError(
          `Database unreachable at ${redactUri(options.uri)} after ${attempt} attempt(s) in ${options.connectTimeoutMs} ms: ${(error as Error).message}`,
        );
      }
      const wait = Math.min(2_000, 250 * attempt, remaining);
      options.log.warn('database not reachable yet, retrying', { attempt, retryInMs: wait, reason: (error as Error).message });
      await new Promise((r) => setTimeout(r, wait));
    }
  }
}
