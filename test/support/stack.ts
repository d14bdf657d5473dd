import { createApiKey, type NewApiKey } from '../../src/gateway/api-keys';
import { readGatewayConfig } from '../../src/gateway/config';
import type { RateLimitStore } from '../../src/gateway/rate-limit';
import type { Role } from '../../src/platform/identity/principal';
import { createLogger } from '../../src/platform/logger';
import { startOwnStack, type OwnStack } from '../../src/stack';
import { startPopulationStub, type PopulationStubOptions, type StartedPopulationStub } from '../../src/stubs/population/server';
import { loadSeedData } from '../../src/subgraphs/catalogue/seed/load';
import { openTestDatabase, type TestDatabase } from './database';

export const STUB_CLIENT = { id: 'dvc-gateway', secret: 'test-stub-secret' };
export const STUB_ADMIN = 'test-admin-token';
export const TEST_AUDIT_KEY = 'test-audit-hash-key';

export interface GraphQLResponse<TData = Record<string, any>> {
  status: number;
  headers: Headers;
  body: { data?: TData | null; errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, any> }> };
}

export interface TestStack {
  /** The gateway's base URL (GraphQL at `${url}/graphql`). */
  url: string;
  stack: OwnStack;
  database: TestDatabase;
  stub: StartedPopulationStub;
  /** JSON log lines of every component, as written. */
  logs: string[];
  graphql<TData = Record<string, any>>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GraphQLResponse<TData>>;
  /** A new API key of `role` (and purposes or fields): the full key, for `Authorization: Bearer`. */
  key(role: Role, extra?: Partial<NewApiKey>): Promise<string>;
  /** The stub's admin API (faults, stats). */
  stubAdmin(method: string, path: string, body?: unknown): Promise<unknown>;
  close(): Promise<void>;
}

export interface TestStackOptions {
  /** Settings for the gateway and both subgraphs, as the environment would give them. */
  env?: Record<string, string>;
  /** Load the curated seed data (default true; ignored when `database` is given). */
  seed?: boolean;
  /** Share a database between stacks (a pool of differently configured gateways). */
  database?: TestDatabase;
  stub?: Partial<PopulationStubOptions>;
  rateLimitStore?: RateLimitStore;
}

/**
 * What `npm start` runs, in the test process: both subgraphs on loopback
 * ports over a fresh database, the population stub, and the gateway composing
 * them, every hop real HTTP.
 */
export async function startTestStack(options: TestStackOptions = {}): Promise<TestStack> {
  const database = options.database ?? (await openTestDatabase('stack'));
  if (!options.database && options.seed !== false) await loadSeedData(database.collections);
  const stub = await startPopulationStub({
    port: 0,
    clients: { [STUB_CLIENT.id]: STUB_CLIENT.secret },
    adminToken: STUB_ADMIN,
    latencyMs: 0,
    jitterMs: 0,
    rateLimitPerSecond: 1000,
    ...options.stub,
  });
  const env = {
    PORT: '0',
    MONGODB_DB: database.name,
    POPULATION_API_URL: stub.url,
    POPULATION_CLIENT_ID: STUB_CLIENT.id,
    POPULATION_CLIENT_SECRET: STUB_CLIENT.secret,
    AUDIT_HASH_KEY: TEST_AUDIT_KEY,
    DB_REQUEST_TIMEOUT_MS: '5000',
    ...options.env,
  };
  const logs: string[] = [];
  const log = createLogger('debug', {}, (line) => logs.push(line));
  const stack = await startOwnStack({ env, config: readGatewayConfig(env), uri: database.uri, log, rateLimitStore: options.rateLimitStore });
  const url = stack.gateway.http.url;
  return {
    url,
    stack,
    database,
    stub,
    logs,
    async graphql(query, variables, headers = {}) {
      const response = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...headers },
        body: JSON.stringify({ query, variables }),
      });
      return { status: response.status, headers: response.headers, body: (await response.json()) as never };
    },
    async key(role, extra = {}) {
      return (await createApiKey(database.db, { name: `test ${role}`, role, ...extra })).key;
    },
    async stubAdmin(method, path, body) {
      const response = await fetch(`${stub.url}${path}`, {
        method,
        headers: { 'x-admin-token': STUB_ADMIN, 'content-type': 'application/json' },
        body: body ? JSON.stringify(body) : undefined,
      });
      if (!response.ok) throw new Error(`stub admin ${method} ${path}: ${response.status}`);
      return response.status === 204 ? undefined : response.json();
    },
    async close() {
      await stack.close(Date.now() + 2_000);
      await stub.close();
      if (!options.database) await database.drop();
    },
  };
}

/** `Authorization: Bearer <key>` for a request's headers. */
export function bearer(key: string): Record<string, string> {
  return { authorization: `Bearer ${key}` };
}

/**
 * Gateways with different settings over one seeded database, each a stack of
 * its own: for tests of settings (limits, persisted queries) over HTTP.
 */
export function stackPool(prefix: string) {
  let database: TestDatabase | undefined;
  const running: TestStack[] = [];
  return {
    async open(): Promise<TestDatabase> {
      database = await openTestDatabase(prefix);
      await loadSeedData(database.collections);
      return database;
    },
    async start(env: Record<string, string> = {}): Promise<TestStack> {
      if (!database) throw new Error('call open() first');
      const stack = await startTestStack({ database, env });
      running.push(stack);
      return stack;
    },
    async close(): Promise<void> {
      for (const stack of running) await stack.close();
      await database?.drop();
    },
  };
}
