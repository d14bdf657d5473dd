import { loadConfig } from '../../src/config';
import type { AddressInfo } from 'node:net';
import { createServer as createHttpServer, type Server } from 'node:http';
import type { GraphQLFormattedError } from 'graphql';
import { loadSeedData } from '../../seeds/load';
import { silentLogger } from '../../src/logger';
import { createServer, type GatewayServer } from '../../src/server';
import { openTestDatabase, type TestDatabase } from './database';

export interface TestGateway {
  database: TestDatabase;
  gateway: GatewayServer;
  /** Runs an operation in-process (no HTTP) and returns its single result. */
  execute<TData = Record<string, unknown>>(query: string, variables?: Record<string, unknown>): Promise<{ data?: TData | null; errors?: readonly GraphQLFormattedError[] }>;
  /** Starts HTTP on a free port; returns the base URL. */
  listen(): Promise<string>;
  close(): Promise<void>;
}

/** A gateway over a fresh database loaded with the curated seed data, as `npm start` has it. */
export async function startTestGateway(options: { seed?: boolean } = {}): Promise<TestGateway> {
  const database = await openTestDatabase('gw');
  if (options.seed !== false) await loadSeedData(database.collections);
  let httpServer: Server | undefined;
  const gateway = await createServer({ config: { ...loadConfig({}), dbRequestTimeoutMs: 2_000 }, database, log: silentLogger });
  return {
    database,
    gateway,
    async execute<TData>(query: string, variables?: Record<string, unknown>) {
      const response = await gateway.apollo.executeOperation<TData>({ query, variables }, { contextValue: gateway.createContext() });
      if (response.body.kind !== 'single') throw new Error('expected a single result');
      return response.body.singleResult;
    },
    async listen() {
      httpServer = createHttpServer(gateway.app);
      await new Promise<void>((resolve) => httpServer?.listen(0, '127.0.0.1', resolve));
      return `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;
    },
    async close() {
      await gateway.stop();
      if (httpServer) await new Promise((resolve) => httpServer?.close(resolve));
      await database.drop();
    },
  };
}
