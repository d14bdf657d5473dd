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

/**
 * Gateways with different configurations over one seeded database, each on its
 * own loopback port: for tests of settings (limits, persisted queries) over HTTP.
 */
export function seededGatewayPool(prefix: string) {
  let database: TestDatabase | undefined;
  const running: Array<{ server: Server; gateway: GatewayServer }> = [];
  return {
    async open(): Promise<TestDatabase> {
      database = await openTestDatabase(prefix);
      await loadSeedData(database.collections);
      return database;
    },
    /** Starts a gateway configured from `env` (as loadConfig reads it); returns its base URL. */
    async start(env: Record<string, string> = {}): Promise<string> {
      if (!database) throw new Error('call open() first');
      const gateway = await createServer({ config: loadConfig(env), database, log: silentLogger });
      const server = createHttpServer(gateway.app);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      running.push({ server, gateway });
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
    async close(): Promise<void> {
      for (const { server, gateway } of running) {
        await new Promise((resolve) => server.close(resolve));
        await gateway.stop();
      }
      await database?.drop();
    },
  };
}
