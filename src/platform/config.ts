import { resolve } from 'node:path';

/**
 * Readers for settings from the environment, shared by the gateway, the
 * subgraphs and the tools. Each component validates its own settings once at
 * start; a malformed value stops it with one line naming the variable.
 */
export type Env = Record<string, string | undefined>;

/** A configuration mistake: the message names the variable and is printed as one line. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`Invalid configuration: ${variable} ${problem}`);
    this.name = 'ConfigError';
  }
}

export function readText(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

export function readInt(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = readText(env, name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `must be a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${value}`);
  return value;
}

export function readNumber(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = readText(env, name);
  if (raw === undefined) return fallback;
  if (!/^\d+(\.\d+)?$|^\.\d+$/.test(raw)) throw new ConfigError(name, `must be a number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${value}`);
  return value;
}

export function readBool(env: Env, name: string, fallback: boolean): boolean {
  const raw = readText(env, name)?.toLowerCase();
  if (raw === undefined) return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new ConfigError(name, `must be true or false, got "${env[name]}"`);
}

export function readUrl(env: Env, name: string): string | undefined {
  const raw = readText(env, name);
  if (raw === undefined) return undefined;
  if (!isHttpUrl(raw)) throw new ConfigError(name, `must be an http(s) URL, got "${raw}"`);
  return raw;
}

export function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/** A shared secret: at least `minBytes` bytes of text (hex or base64 of random bytes, say). */
export function readSecret(env: Env, name: string, minBytes: number): string | undefined {
  const raw = readText(env, name);
  if (raw !== undefined && Buffer.byteLength(raw) < minBytes)
    throw new ConfigError(name, `must be at least ${minBytes} bytes (e.g. \`openssl rand -hex ${minBytes}\`), got ${Buffer.byteLength(raw)}`);
  return raw;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

export function readLogLevel(env: Env): LogLevel {
  const level = (readText(env, 'LOG_LEVEL')?.toLowerCase() ?? 'info') as LogLevel;
  if (!LOG_LEVELS.includes(level)) throw new ConfigError('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}, got "${env.LOG_LEVEL}"`);
  return level;
}

export function isProduction(env: Env): boolean {
  return readText(env, 'NODE_ENV') === 'production';
}

/** Where a component's database is: an existing MongoDB, or the embedded local one. */
export interface DatabaseConfig {
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
  /** How long one database command may take (driver timeout and the server's maxTimeMS) → DATABASE_UNAVAILABLE. */
  dbRequestTimeoutMs: number;
}

export function readDatabaseConfig(env: Env, cwd: string = process.cwd()): DatabaseConfig {
  return {
    mongodbUri: readMongoUri(env),
    databaseName: readDatabaseName(env),
    localDbDir: resolve(cwd, readText(env, 'LOCAL_DB_DIR') ?? '.data/ferretdb'),
    localDbPort: readInt(env, 'LOCAL_DB_PORT', 0, 0, 65535),
    cacheDir: resolve(cwd, readText(env, 'CACHE_DIR') ?? '.cache'),
    dbConnectTimeoutMs: readInt(env, 'DB_CONNECT_TIMEOUT_MS', 30_000, 1_000, 600_000),
    dbRequestTimeoutMs: readInt(env, 'DB_REQUEST_TIMEOUT_MS', 5_000, 100, 120_000),
  };
}

function readMongoUri(env: Env): string | undefined {
  const raw = readText(env, 'MONGODB_URI');
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
  const name = readText(env, 'MONGODB_DB') ?? 'dvc_gateway';
  // MongoDB forbids these characters in database names; FerretDB is stricter still.
  if (!/^[A-Za-z0-9_-]{1,63}$/.test(name)) throw new ConfigError('MONGODB_DB', `must be 1–63 letters, digits, "_" or "-", got "${name}"`);
  return name;
}

/** Port and interface a server listens on. */
export interface ListenConfig {
  port: number;
  host: string;
}

export function readListen(env: Env, defaultPort: number): ListenConfig {
  return { port: readInt(env, 'PORT', defaultPort, 0, 65535), host: readText(env, 'HOST') ?? '127.0.0.1' };
}

/** Where Prometheus reads the metrics: a port of their own, and/or the API port behind a token. */
export interface MetricsConfig {
  /** METRICS_PORT: serve /metrics on this port only (bind it to the scraper's network). */
  port: number | undefined;
  /** METRICS_TOKEN: serve /metrics on the API port too, to `Authorization: Bearer <token>`. */
  token: string | undefined;
}

export function readMetricsConfig(env: Env): MetricsConfig {
  const port = readText(env, 'METRICS_PORT') === undefined ? undefined : readInt(env, 'METRICS_PORT', 0, 0, 65535);
  return { port, token: readSecret(env, 'METRICS_TOKEN', 16) };
}
