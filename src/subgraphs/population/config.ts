import { createHash } from 'node:crypto';
import { ConfigError, readInt, readSecret, readText, readUrl, type Env } from '../../platform/config';
import { DEV_POPULATION_CLIENT } from '../../platform/population-api/purposes';
import { readSubgraphConfig, type SubgraphConfig } from '../../platform/subgraph/config';

/** How the connector reaches the National Population Database (or its stub). */
export interface PopulationConnectorConfig {
  /** POPULATION_API_URL; undefined → a development stub is started in-process (refused in production). */
  url: string | undefined;
  clientId: string;
  clientSecret: string;
  timeoutMs: number;
  retries: number;
  breakerThreshold: number;
  breakerOpenMs: number;
  /** Upstream batches in flight at once, across all requests of this process. */
  maxConcurrentBatches: number;
}

/** A key of the audit trail's subject hash: the key and an id stored in each entry, so the key can be rotated. */
export interface AuditHashKey {
  id: string;
  key: string;
}

export interface PopulationConfig extends SubgraphConfig {
  population: PopulationConnectorConfig;
  /** AUDIT_HASH_KEY: the HMAC key that replaces citizen IDs in the audit trail. */
  auditHashKey: AuditHashKey;
  /** AUDIT_HASH_PREVIOUS_KEYS: keys used before a rotation, so `auditEntries(subjectId:)` still finds older entries. */
  auditPreviousHashKeys: AuditHashKey[];
  /** True when AUDIT_HASH_KEY was not set and the development key is in use (refused in production). */
  auditHashKeyIsDefault: boolean;
  /** Citizen IDs one request may look up, across all its fields and aliases. */
  maxIdsPerRequest: number;
  /** `verifyCitizen` fields one request may hold. */
  maxVerificationsPerRequest: number;
  /** Verifications one API key may make in an hour. */
  maxVerificationsPerKeyPerHour: number;
}

/** Default port of the population subgraph when it runs alone (the committed supergraph points there). */
export const POPULATION_DEFAULT_PORT = 4002;
const DEV_AUDIT_HASH_KEY = 'dev-audit-hash-key-change-me';
/** Shortest AUDIT_HASH_KEY accepted in production: 32 bytes, so a copy of the trail cannot be reversed by trying every ID. */
export const MIN_AUDIT_KEY_BYTES = 32;

/** A key's id: a fingerprint that names the key in each entry without revealing it. */
export function auditKeyOf(key: string): AuditHashKey {
  return { id: createHash('sha256').update(`audit-hash-key:${key}`).digest('hex').slice(0, 12), key };
}

function readConnector(env: Env, production: boolean): PopulationConnectorConfig {
  const url = readUrl(env, 'POPULATION_API_URL');
  const clientSecret = readText(env, 'POPULATION_CLIENT_SECRET') ?? DEV_POPULATION_CLIENT.secret;
  if (production && !url) throw new ConfigError('POPULATION_API_URL', 'must be set in production (the development stub does not start there)');
  if (production && clientSecret === DEV_POPULATION_CLIENT.secret)
    throw new ConfigError('POPULATION_CLIENT_SECRET', 'must be set in production (the development secret is public)');
  return {
    url,
    clientId: readText(env, 'POPULATION_CLIENT_ID') ?? DEV_POPULATION_CLIENT.id,
    clientSecret,
    timeoutMs: readInt(env, 'POPULATION_TIMEOUT_MS', 2_000, 50, 60_000),
    retries: readInt(env, 'POPULATION_RETRIES', 2, 0, 10),
    breakerThreshold: readInt(env, 'POPULATION_BREAKER_THRESHOLD', 5, 1, 1_000),
    breakerOpenMs: readInt(env, 'POPULATION_BREAKER_OPEN_MS', 10_000, 100, 600_000),
    maxConcurrentBatches: readInt(env, 'POPULATION_MAX_CONCURRENT_BATCHES', 8, 1, 1_000),
  };
}

function readAuditKeys(env: Env, production: boolean): Pick<PopulationConfig, 'auditHashKey' | 'auditPreviousHashKeys' | 'auditHashKeyIsDefault'> {
  const key = readSecret(env, 'AUDIT_HASH_KEY', production ? MIN_AUDIT_KEY_BYTES : 1);
  if (production && !key)
    throw new ConfigError('AUDIT_HASH_KEY', `must be set in production to a random key of at least ${MIN_AUDIT_KEY_BYTES} bytes (e.g. \`openssl rand -hex 32\`)`);
  const previous = (readText(env, 'AUDIT_HASH_PREVIOUS_KEYS') ?? '')
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean);
  return { auditHashKey: auditKeyOf(key ?? DEV_AUDIT_HASH_KEY), auditPreviousHashKeys: previous.map(auditKeyOf), auditHashKeyIsDefault: !key };
}

export function readPopulationConfig(env: Env): PopulationConfig {
  const subgraph = readSubgraphConfig(env, POPULATION_DEFAULT_PORT);
  return {
    ...subgraph,
    population: readConnector(env, subgraph.production),
    ...readAuditKeys(env, subgraph.production),
    maxIdsPerRequest: readInt(env, 'CITIZEN_MAX_IDS_PER_REQUEST', 1_000, 1, 100_000),
    maxVerificationsPerRequest: readInt(env, 'CITIZEN_MAX_VERIFICATIONS_PER_REQUEST', 10, 1, 10_000),
    maxVerificationsPerKeyPerHour: readInt(env, 'CITIZEN_MAX_VERIFICATIONS_PER_KEY_PER_HOUR', 1_000, 1, 10_000_000),
  };
}
