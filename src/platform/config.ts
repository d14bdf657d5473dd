import { resolve } from 'node:path';

/** Everything the gateway reads from the environment, validated once at start. */
export interface GatewayConfig {
  /** HTTP port; 0 picks a free one (tests). */
  port: number;
  host: string;
  /** Connection string of an existing MongoDB; undefined → start the embedded local database. */
  mongodbUri: string | undefined;
  databaseName: string;
  /** Where the embedded database keeps its SQLite files. */
  localDbDir: string;
  /** Port of the embedded database; 0 picks a free one. */
  localDbPort: number;
  /** Where the FerretDB launcher binary is cached after it is built. */
  cacheDir: string;
  /** How long start-up keeps retrying an unreachable database before giving up. */
  dbConnectTimeoutMs: number;
  /** How long a request waits for the database before failing with DATABASE_UNAVAILABLE. */
  dbRequestTimeoutMs: number;
  /** Load the curated seed data when the catalogue is empty. */
  seedOnStart: boolean;
  /** How long a graceful shutdown may take before the process exits anyway. */
  shutdownTimeoutMs: number;
  logLevel: LogLevel;
  /** Key of the HMAC that replaces citizen IDs in the audit trail. */
  auditHashKey: string;
  /** True when AUDIT_HASH_KEY was not set and the development key is in use. */
  auditHashKeyIsDefault: boolean;
  population: PopulationConfig;
  /** Serve the GraphiQL IDE at GET /graphql (default on, off when NODE_ENV=production). */
  ideEnabled: boolean;
  /** Answer introspection queries (default on, off when NODE_ENV=production). */
  introspectionEnabled: boolean;
  limits: {
    maxDepth: number;
    maxAliases: number;
    maxCost: number;
    maxTokens: number;
    maxDirectives: number;
    /** Largest request body, in bytes. */
    maxBodyBytes: number;
    /** Longest a GraphQL request may take before the caller gets 503 EXECUTION_TIMEOUT. */
    executionTimeoutMs: number;
    anonymousPerMinute: number;
    keyPerMinute: number;
  };
  /** Origins allowed by CORS; empty → no CORS headers; ["*"] → any origin. */
  corsOrigins: string[];
  /** How long proxies may cache public catalogue responses (GET); 0 turns caching hints off. */
  cacheMaxAgeSeconds: number;
  /** Path of a trusted-documents manifest: when set, only those operations run. */
  trustedDocumentsFile: string | undefined;
}

export interface PopulationConfig {
  /** Base URL of the population database API; undefined → start the stub in-process. */
  url: string | undefined;
  clientId: string;
  clientSecret: string;
  timeoutMs: number;
  retries: number;
  breakerThreshold: number;
  breakerOpenMs: number;
}

/** Development defaults shared with the stub's own defaults (src/connectors/population/stub/config.ts). */
export const DEV_POPULATION_CLIENT = { id: 'dvc-gateway', secret: 'dev-secret-change-me' };
const DEV_AUDIT_HASH_KEY = 'dev-audit-hash-key-change-me';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

/** A configuration mistake: the message names the variable and is printed as one line. */
export class ConfigError extends Error {
  constructor(readonly variable: string, problem: string) {
    super(`Invalid configuration: ${variable} ${problem}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

function readInt(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  if (!/^\d+$/.test(raw.trim())) throw new ConfigError(name, `must be a whole number, got "${raw}"`);
  const value = Number(raw.trim());
  if (value < min || value > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${value}`);
  return value;
}

function readBool(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new ConfigError(name, `must be true or false, got "${env[name]}"`);
}

function readMongoUri(env: Env): string | undefined {
  const raw = env.MONGODB_URI?.trim();
  if (!raw) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError('MONGODB_URI', 'is not a valid connection string (expected mongodb://host:port/...)');
  }
  if (url.protocol !== 'mongodb:' && url.protocol !== 'mongodb+srv:') {
    throw new ConfigError('MONGODB_URI', `must start with mongodb:// or mongodb+srv://, got "${url.protocol}//"`);
  }
  if (!url.host) throw new ConfigError('MONGODB_URI', 'has no host');
  return raw;
}

function readDatabaseName(env: Env): string {
  const name = env.MONGODB_DB?.trim() || 'dvc_gateway';
  // MongoDB forbids these characters in database names; FerretDB is stricter still.
  if (!/^[A-Za-z0-9_-]{1,63}$/.test(name)) {
    throw new ConfigError('MONGODB_DB', `must be 1–63 letters, digits, "_" or "-", got "${name}"`);
  }
  return name;
}

export function loadConfig(env: Env = process.env, cwd: string = process.cwd()): GatewayConfig {
  const logLevel = (env.LOG_LEVEL?.trim().toLowerCase() || 'info') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}, got "${env.LOG_LEVEL}"`);
  }
  return {
    port: readInt(env, 'PORT', 4000, 0, 65535),
    host: env.HOST?.trim() || '127.0.0.1',
    mongodbUri: readMongoUri(env),
    databaseName: readDatabaseName(env),
    localDbDir: resolve(cwd, env.LOCAL_DB_DIR?.trim() || '.data/ferretdb'),
    localDbPort: readInt(env, 'LOCAL_DB_PORT', 0, 0, 65535),
    cacheDir: resolve(cwd, env.CACHE_DIR?.trim() || '.cache'),
    dbConnectTimeoutMs: readInt(env, 'DB_CONNECT_TIMEOUT_MS', 30_000, 1_000, 600_000),
    dbRequestTimeoutMs: readInt(env, 'DB_REQUEST_TIMEOUT_MS', 5_000, 100, 120_000),
    seedOnStart: readBool(env, 'SEED_ON_START', true),
    shutdownTimeoutMs: readInt(env, 'SHUTDOWN_TIMEOUT_MS', 10_000, 100, 300_000),
    logLevel,
    limits: {
      maxDepth: readInt(env, 'LIMIT_MAX_DEPTH', 12, 1, 100),
      maxAliases: readInt(env, 'LIMIT_MAX_ALIASES', 30, 0, 1_000),
      maxCost: readInt(env, 'LIMIT_MAX_COST', 10_000, 1, 10_000_000),
      maxTokens: readInt(env, 'LIMIT_MAX_TOKENS', 3_000, 10, 1_000_000),
      maxDirectives: readInt(env, 'LIMIT_MAX_DIRECTIVES', 50, 0, 10_000),
      maxBodyBytes: readInt(env, 'LIMIT_MAX_BODY_BYTES', 100_000, 1_000, 10_000_000),
      executionTimeoutMs: readInt(env, 'EXECUTION_TIMEOUT_MS', 15_000, 50, 600_000),
      anonymousPerMinute: readInt(env, 'RATE_LIMIT_ANONYMOUS_PER_MINUTE', 600, 1, 10_000_000),
      keyPerMinute: readInt(env, 'RATE_LIMIT_KEY_PER_MINUTE', 6_000, 1, 10_000_000),
    },
    corsOrigins: readOrigins(env),
    cacheMaxAgeSeconds: readInt(env, 'CACHE_MAX_AGE_SECONDS', 300, 0, 86_400),
    trustedDocumentsFile: env.TRUSTED_DOCUMENTS_FILE?.trim() ? resolve(cwd, env.TRUSTED_DOCUMENTS_FILE.trim()) : undefined,
    ideEnabled: readBool(env, 'IDE_ENABLED', env.NODE_ENV !== 'production'),
    introspectionEnabled: readBool(env, 'INTROSPECTION_ENABLED', env.NODE_ENV !== 'production'),
    auditHashKey: env.AUDIT_HASH_KEY?.trim() || DEV_AUDIT_HASH_KEY,
    auditHashKeyIsDefault: !env.AUDIT_HASH_KEY?.trim(),
    population: {
      url: readUrl(env, 'POPULATION_API_URL'),
      clientId: env.POPULATION_CLIENT_ID?.trim() || DEV_POPULATION_CLIENT.id,
      clientSecret: env.POPULATION_CLIENT_SECRET?.trim() || DEV_POPULATION_CLIENT.secret,
      timeoutMs: readInt(env, 'POPULATION_TIMEOUT_MS', 2_000, 50, 60_000),
      retries: readInt(env, 'POPULATION_RETRIES', 2, 0, 10),
      breakerThreshold: readInt(env, 'POPULATION_BREAKER_THRESHOLD', 5, 1, 1_000),
      breakerOpenMs: readInt(env, 'POPULATION_BREAKER_OPEN_MS', 10_000, 100, 600_000),
    },
  };
}

function readUrl(env: Env, name: string): string | undefined {
  const raw = env[name]?.trim();
  if (!raw) return undefined;
  try {
    const url = new URL(raw);
    if (url.protocol === 'http:' || url.protocol === 'https:') return raw;
  } catch {
    // reported below
  }
  throw new ConfigError(name, `must be an http(s) URL, got "${raw}"`);
}

function readOrigins(env: Env): string[] {
  const origins = (env.CORS_ORIGINS ?? '').split(',').map((o) => o.trim()).filter(Boolean);
  for (const origin of origins) {
    if (origin !== '*' && !/^https?:\/\/[^/\s]+$/.test(origin)) {
      throw new ConfigError('CORS_ORIGINS', `must be "*" or a comma-separated list of origins like https://portal.example.gov.vn, got "${origin}"`);
    }
  }
  return origins;
}
