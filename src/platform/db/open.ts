import type { DatabaseConfig } from '../config';
import type { Logger } from '../logger';
import { connectDatabase, type DatabaseConnection } from './client';
import { startEmbeddedDatabase, type EmbeddedDatabase } from './embedded';

export interface OpenDatabase extends DatabaseConnection {
  /** The local FerretDB the gateway started, when MONGODB_URI was not set. */
  embedded: EmbeddedDatabase | undefined;
  close(): Promise<void>;
}

/** Connects to MONGODB_URI, or starts the embedded local database and connects to it. */
export async function openDatabase(config: DatabaseConfig, log: Logger, appName: string): Promise<OpenDatabase> {
  let embedded: EmbeddedDatabase | undefined;
  let uri = config.mongodbUri;
  if (!uri) {
    embedded = await startEmbeddedDatabase({ dataDir: config.localDbDir, cacheDir: config.cacheDir, port: config.localDbPort, log });
    uri = embedded.uri;
  }
  try {
    const connection = await connectDatabase({
      uri,
      databaseName: config.databaseName,
      connectTimeoutMs: config.dbConnectTimeoutMs,
      requestTimeoutMs: config.dbRequestTimeoutMs,
      appName,
      log,
    });
    return {
      ...connection,
      embedded,
      async close() {
        await connection.client.close();
        await embedded?.stop();
      },
    };
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
}
