import { ConfigError, readInt, readNumber, readText, type Env } from '../../platform/config';
import { DEV_POPULATION_CLIENT } from '../../platform/population-api/purposes';
import { DEFAULT_FAULTS, FAULT_LIMITS, STUB_MODES, type StubFaults, type StubMode } from './server';

/** Settings of the standalone stub (`npm run population-stub`), read from the environment. */
export interface StubConfig extends StubFaults {
  port: number;
  host: string;
  /** client id → secret */
  clients: Record<string, string>;
  adminToken: string;
}

export const DEFAULT_STUB_PORT = 4100;
/** The connector's development credentials, so both start paired without configuration. */
export const DEFAULT_STUB_CLIENTS = `${DEV_POPULATION_CLIENT.id}:${DEV_POPULATION_CLIENT.secret}`;
export const DEFAULT_STUB_ADMIN_TOKEN = 'dev-admin-token';

function readMode(env: Env): StubMode {
  const text = readText(env, 'POPULATION_STUB_MODE');
  if (text === undefined) return DEFAULT_FAULTS.mode;
  if ((STUB_MODES as readonly string[]).includes(text)) return text as StubMode;
  throw new ConfigError('POPULATION_STUB_MODE', `must be one of ${STUB_MODES.join(', ')}, got "${text}"`);
}

/** "id:secret,id2:secret2"; a secret may contain ':' (split at the first one). Secrets never appear in messages. */
function readClients(env: Env): Record<string, string> {
  const name = 'POPULATION_STUB_CLIENTS';
  const text = readText(env, name) ?? DEFAULT_STUB_CLIENTS;
  const clients: Record<string, string> = {};
  text.split(',').forEach((entry, index) => {
    const colon = entry.indexOf(':');
    const clientId = colon < 0 ? '' : entry.slice(0, colon).trim();
    const secret = colon < 0 ? '' : entry.slice(colon + 1).trim();
    if (!/^[A-Za-z0-9._-]+$/.test(clientId) || secret === '') throw new ConfigError(name, `entry ${index + 1} must look like client-id:secret`);
    if (Object.hasOwn(clients, clientId)) throw new ConfigError(name, `names client "${clientId}" twice`);
    clients[clientId] = secret;
  });
  return clients;
}

/** Reads and validates the stub's settings; a bad value throws a ConfigError naming the variable. */
export function loadStubConfig(env: Env = process.env): StubConfig {
  return {
    port: readInt(env, 'POPULATION_STUB_PORT', DEFAULT_STUB_PORT, 0, 65_535),
    host: readText(env, 'POPULATION_STUB_HOST') ?? '127.0.0.1',
    clients: readClients(env),
    adminToken: readText(env, 'POPULATION_STUB_ADMIN_TOKEN') ?? DEFAULT_STUB_ADMIN_TOKEN,
    latencyMs: readInt(env, 'POPULATION_STUB_LATENCY_MS', DEFAULT_FAULTS.latencyMs, FAULT_LIMITS.latencyMs.min, FAULT_LIMITS.latencyMs.max),
    jitterMs: readInt(env, 'POPULATION_STUB_JITTER_MS', DEFAULT_FAULTS.jitterMs, FAULT_LIMITS.jitterMs.min, FAULT_LIMITS.jitterMs.max),
    errorRate: readNumber(env, 'POPULATION_STUB_ERROR_RATE', DEFAULT_FAULTS.errorRate, FAULT_LIMITS.errorRate.min, FAULT_LIMITS.errorRate.max),
    mode: readMode(env),
    slowMs: readInt(env, 'POPULATION_STUB_SLOW_MS', DEFAULT_FAULTS.slowMs, FAULT_LIMITS.slowMs.min, FAULT_LIMITS.slowMs.max),
    rateLimitPerSecond: readNumber(env, 'POPULATION_STUB_RATE_LIMIT', DEFAULT_FAULTS.rateLimitPerSecond, FAULT_LIMITS.rateLimitPerSecond.min, FAULT_LIMITS.rateLimitPerSecond.max),
  };
}
