import {
  isProduction,
  readBool,
  readDatabaseConfig,
  readInt,
  readListen,
  readLogLevel,
  readMetricsConfig,
  readSecret,
  type DatabaseConfig,
  type Env,
  type ListenConfig,
  type LogLevel,
  type MetricsConfig,
} from '../config';

/** Settings every subgraph of ours reads (`npm run subgraph -- <name>`, or in-process under `npm start`). */
export interface SubgraphConfig extends ListenConfig {
  logLevel: LogLevel;
  production: boolean;
  /** SUBGRAPH_SECRET: the key of the gateway's request signatures; without it a subgraph refuses to start. */
  secret: string | undefined;
  introspectionEnabled: boolean;
  maxBodyBytes: number;
  database: DatabaseConfig;
  metrics: MetricsConfig;
}

/** Shortest SUBGRAPH_SECRET accepted: 32 bytes. */
export const MIN_SECRET_BYTES = 32;

export function readSubgraphConfig(env: Env, defaultPort: number): SubgraphConfig {
  const production = isProduction(env);
  return {
    ...readListen(env, defaultPort),
    logLevel: readLogLevel(env),
    production,
    secret: readSecret(env, 'SUBGRAPH_SECRET', MIN_SECRET_BYTES),
    introspectionEnabled: readBool(env, 'INTROSPECTION_ENABLED', !production),
    maxBodyBytes: readInt(env, 'LIMIT_MAX_BODY_BYTES', 100_000, 1_000, 10_000_000),
    database: readDatabaseConfig(env),
    metrics: readMetricsConfig(env),
  };
}
