import { resolve } from 'node:path';
import {
  ConfigError,
  isHttpUrl,
  isProduction,
  readBool,
  readDatabaseConfig,
  readInt,
  readListen,
  readLogLevel,
  readMetricsConfig,
  readRedisConfig,
  readSecret,
  readText,
  type DatabaseConfig,
  type Env,
  type ListenConfig,
  type LogLevel,
  type MetricsConfig,
  type RedisConfig,
} from '../platform/config';
import { MIN_SECRET_BYTES } from '../platform/subgraph/config';

/** The share of SHUTDOWN_TIMEOUT_MS given to finishing requests in flight; the rest stops what runs behind the gateway. */
export const DRAIN_SHARE_OF_SHUTDOWN = 0.8;

/** A subgraph the gateway composes: its name in the supergraph and its GraphQL URL. */
export interface SubgraphEndpoint {
  name: string;
  url: string;
}

/**
 * Where the supergraph comes from: composed from our own subgraphs started
 * in-process (`npm start`), composed from SUBGRAPHS, or read from SUPERGRAPH_FILE.
 */
export type SupergraphSourceConfig = { kind: 'own' } | { kind: 'subgraphs'; subgraphs: SubgraphEndpoint[] } | { kind: 'file'; path: string };

export interface OperationLimits {
  maxDepth: number;
  maxAliases: number;
  maxCost: number;
  maxTokens: number;
  maxDirectives: number;
  /** The same field or fragment selected more than this many times in one selection set is refused (validation of repeats is quadratic). */
  maxRepeatedSelections: number;
  /** Largest request body, in bytes. */
  maxBodyBytes: number;
  /** Longest a request may take before the caller gets 503 EXECUTION_TIMEOUT. */
  executionTimeoutMs: number;
}

export interface RateLimits {
  anonymousPerMinute: number;
  keyPerMinute: number;
  /** Failed authentications one network may make per minute before it is refused without a check. */
  failedAuthPerMinute: number;
  /** Proxies in front of the gateway whose X-Forwarded-For entries are trusted (0: use the socket's address). */
  trustProxyHops: number;
}

export interface ExportLimits {
  /** Rows one export may stream before it is cut. */
  maxRows: number;
  /** Longest one export may take before it is cut. */
  timeoutMs: number;
  /** Columns one export may have. */
  maxColumns: number;
}

export interface GatewayConfig extends ListenConfig {
  logLevel: LogLevel;
  production: boolean;
  supergraph: SupergraphSourceConfig;
  /** SUPERGRAPH_POLL_SECONDS: recompose SUBGRAPHS (or re-read SUPERGRAPH_FILE) this often; 0: only on SIGHUP. */
  supergraphPollSeconds: number;
  /**
   * SUBGRAPH_SECRET: signs every subgraph request; generated per run under `npm start` when unset.
   * A plain gateway without it signs nothing (another agency's subgraphs may not need it; ours refuse).
   */
  subgraphSecret: string | undefined;
  /** Longest one subgraph call may take. */
  subgraphTimeoutMs: number;
  /** Longest a graceful shutdown may take before the process exits anyway. */
  shutdownTimeoutMs: number;
  /** Subgraphs that serve personal data: never cached, never exported. */
  personalSubgraphs: string[];
  limits: OperationLimits;
  rateLimits: RateLimits;
  export: ExportLimits;
  corsOrigins: string[];
  trustedDocumentsFile: string | undefined;
  ideEnabled: boolean;
  introspectionEnabled: boolean;
  metrics: MetricsConfig;
  /** Where API keys are kept: MONGODB_URI (or the embedded database under `npm start`). */
  database: DatabaseConfig;
  /** True when MONGODB_URI is set: a plain gateway (SUBGRAPHS / SUPERGRAPH_FILE) then reads API keys from it. */
  hasKeyDatabase: boolean;
  /** REDIS_URL: rate-limit budgets, automatic persisted queries and the response cache shared by every instance; undefined: in-process, per instance. */
  redis: RedisConfig | undefined;
  /** RESPONSE_CACHE_ENABLED: serve repeated public catalogue operations from the shared response cache (only with REDIS_URL). */
  responseCache: boolean;
}

/** "name=url,name=url": names as GraphQL names, URLs http(s). */
export function parseSubgraphList(text: string): SubgraphEndpoint[] {
  const endpoints = text.split(',').map((entry, index) => {
    const [name = '', url = ''] = entry
      .trim()
      .split(/=(.*)/s)
      .map((part) => part.trim());
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) || !isHttpUrl(url))
      throw new ConfigError('SUBGRAPHS', `entry ${index + 1} must look like name=http://host:port/graphql, got "${entry.trim()}"`);
    return { name, url };
  });
  const names = endpoints.map((e) => e.name.toLowerCase());
  const duplicate = names.find((name, i) => names.indexOf(name) !== i);
  if (duplicate) throw new ConfigError('SUBGRAPHS', `names the subgraph "${duplicate}" twice`);
  return endpoints;
}

function readSupergraphSource(env: Env, cwd: string): SupergraphSourceConfig {
  const list = readText(env, 'SUBGRAPHS');
  const file = readText(env, 'SUPERGRAPH_FILE');
  if (list && file) throw new ConfigError('SUBGRAPHS', 'and SUPERGRAPH_FILE cannot both be set: compose subgraphs, or serve a composed supergraph');
  if (list) return { kind: 'subgraphs', subgraphs: parseSubgraphList(list) };
  if (file) return { kind: 'file', path: resolve(cwd, file) };
  return { kind: 'own' };
}

function readOrigins(env: Env): string[] {
  const origins = (readText(env, 'CORS_ORIGINS') ?? '')
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean);
  for (const origin of origins) {
    if (origin !== '*' && !/^https?:\/\/[^/\s]+$/.test(origin))
      throw new ConfigError('CORS_ORIGINS', `must be "*" or a comma-separated list of origins like https://portal.example.gov.vn, got "${origin}"`);
  }
  return origins;
}

function readLimits(env: Env): OperationLimits {
  return {
    maxDepth: readInt(env, 'LIMIT_MAX_DEPTH', 12, 1, 100),
    maxAliases: readInt(env, 'LIMIT_MAX_ALIASES', 30, 0, 1_000),
    maxCost: readInt(env, 'LIMIT_MAX_COST', 10_000, 1, 10_000_000),
    maxTokens: readInt(env, 'LIMIT_MAX_TOKENS', 3_000, 10, 1_000_000),
    maxDirectives: readInt(env, 'LIMIT_MAX_DIRECTIVES', 50, 0, 10_000),
    maxRepeatedSelections: readInt(env, 'LIMIT_MAX_REPEATED_SELECTIONS', 10, 1, 10_000),
    maxBodyBytes: readInt(env, 'LIMIT_MAX_BODY_BYTES', 100_000, 1_000, 10_000_000),
    executionTimeoutMs: readInt(env, 'EXECUTION_TIMEOUT_MS', 15_000, 50, 600_000),
  };
}

function readRateLimits(env: Env): RateLimits {
  return {
    anonymousPerMinute: readInt(env, 'RATE_LIMIT_ANONYMOUS_PER_MINUTE', 600, 1, 10_000_000),
    keyPerMinute: readInt(env, 'RATE_LIMIT_KEY_PER_MINUTE', 6_000, 1, 10_000_000),
    failedAuthPerMinute: readInt(env, 'RATE_LIMIT_FAILED_AUTH_PER_MINUTE', 10, 1, 10_000),
    trustProxyHops: readInt(env, 'TRUST_PROXY', 0, 0, 10),
  };
}

function readExportLimits(env: Env): ExportLimits {
  return {
    maxRows: readInt(env, 'EXPORT_MAX_ROWS', 200_000, 1, 10_000_000),
    timeoutMs: readInt(env, 'EXPORT_TIMEOUT_MS', 120_000, 1_000, 3_600_000),
    maxColumns: readInt(env, 'EXPORT_MAX_COLUMNS', 200, 1, 10_000),
  };
}

export function readGatewayConfig(env: Env, cwd: string = process.cwd()): GatewayConfig {
  const production = isProduction(env);
  const supergraph = readSupergraphSource(env, cwd);
  const subgraphSecret = readSecret(env, 'SUBGRAPH_SECRET', MIN_SECRET_BYTES);
  const subgraphTimeoutMs = readInt(env, 'SUBGRAPH_TIMEOUT_MS', 10_000, 50, 600_000);
  return {
    ...readListen(env, 4000),
    logLevel: readLogLevel(env),
    production,
    supergraph,
    supergraphPollSeconds: readInt(env, 'SUPERGRAPH_POLL_SECONDS', 0, 0, 86_400),
    subgraphSecret,
    subgraphTimeoutMs,
    // The drain (its first 80%) outlasts the default request deadline (EXECUTION_TIMEOUT_MS, 15 s).
    shutdownTimeoutMs: readInt(env, 'SHUTDOWN_TIMEOUT_MS', 20_000, 100, 300_000),
    personalSubgraphs: (readText(env, 'PERSONAL_SUBGRAPHS') ?? 'population')
      .split(',')
      .map((name) => name.trim())
      .filter(Boolean),
    limits: readLimits(env),
    rateLimits: readRateLimits(env),
    export: readExportLimits(env),
    corsOrigins: readOrigins(env),
    trustedDocumentsFile: readText(env, 'TRUSTED_DOCUMENTS_FILE') ? resolve(cwd, readText(env, 'TRUSTED_DOCUMENTS_FILE') as string) : undefined,
    ideEnabled: readBool(env, 'IDE_ENABLED', !production),
    introspectionEnabled: readBool(env, 'INTROSPECTION_ENABLED', !production),
    metrics: readMetricsConfig(env),
    database: readDatabaseConfig(env, cwd),
    hasKeyDatabase: readText(env, 'MONGODB_URI') !== undefined,
    redis: readRedisConfig(env),
    responseCache: readBool(env, 'RESPONSE_CACHE_ENABLED', true),
  };
}
