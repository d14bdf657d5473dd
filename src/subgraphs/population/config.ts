import { createHash, createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { ConfigError, readInt, readSecret, readText, readUrl, type Env } from '../../platform/config';
import { DEV_POPULATION_CLIENT } from '../../platform/population-api/purposes';
import { readSubgraphConfig, type SubgraphConfig } from '../../platform/subgraph/config';
import { developmentSigner, signerFrom, type AuditSigner } from './audit/checkpoint';

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
  /** The audit trail's hash chain and its signed checkpoints. */
  auditChain: AuditChainConfig;
  /** Citizen IDs one request may look up, across all its fields and aliases. */
  maxIdsPerRequest: number;
  /** `verifyCitizen` fields one request may hold. */
  maxVerificationsPerRequest: number;
  /** Verifications one API key may make in an hour. */
  maxVerificationsPerKeyPerHour: number;
}

/** How this process writes its chain of the audit trail. */
export interface AuditChainConfig {
  /** AUDIT_SIGNING_KEY: the Ed25519 key that signs checkpoints (the development key when unset). */
  signer: AuditSigner;
  /** True when AUDIT_SIGNING_KEY was not set and the development key is in use (refused in production). */
  signerIsDefault: boolean;
  /** AUDIT_WRITER_ID (default: the host name): names this writer in its chain ids. */
  writerId: string;
  /** AUDIT_CHECKPOINT_ENTRIES: a signed checkpoint after this many entries… */
  checkpointEntries: number;
  /** …AUDIT_CHECKPOINT_SECONDS: or this many seconds, when there are entries to seal. */
  checkpointSeconds: number;
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

/**
 * AUDIT_SIGNING_KEY: the path of an Ed25519 private key in PEM. Refused in
 * production when unset or when it is the development key; the key itself is
 * never quoted.
 */
export function readAuditSigningKey(env: Env, production: boolean): { signer: AuditSigner; signerIsDefault: boolean } {
  const path = readText(env, 'AUDIT_SIGNING_KEY');
  const howTo = '(`openssl genpkey -algorithm ed25519 -out audit-signing.pem`)';
  if (!path) {
    if (production) throw new ConfigError('AUDIT_SIGNING_KEY', `must be set in production to the path of an Ed25519 private key in PEM ${howTo}`);
    return { signer: developmentSigner(), signerIsDefault: true };
  }
  let signer: AuditSigner;
  try {
    signer = signerFrom(createPrivateKey(readFileSync(path)));
  } catch {
    throw new ConfigError('AUDIT_SIGNING_KEY', `must be the path of a readable Ed25519 private key in PEM ${howTo}, got "${path}"`);
  }
  if (production && signer.publicKeyId === developmentSigner().publicKeyId)
    throw new ConfigError('AUDIT_SIGNING_KEY', 'must not be the development key in production (it is public)');
  return { signer, signerIsDefault: false };
}

function readAuditChain(env: Env, production: boolean): AuditChainConfig {
  const writerId =
    readText(env, 'AUDIT_WRITER_ID') ??
    (hostname()
      .replace(/[^A-Za-z0-9._-]/g, '-')
      .slice(0, 40) ||
      'population');
  if (!/^[A-Za-z0-9._-]{1,40}$/.test(writerId)) throw new ConfigError('AUDIT_WRITER_ID', `must be 1–40 letters, digits, ".", "_" or "-", got "${writerId}"`);
  return {
    ...readAuditSigningKey(env, production),
    writerId,
    checkpointEntries: readInt(env, 'AUDIT_CHECKPOINT_ENTRIES', 1_000, 1, 1_000_000),
    checkpointSeconds: readInt(env, 'AUDIT_CHECKPOINT_SECONDS', 60, 1, 86_400),
  };
}

export function readPopulationConfig(env: Env): PopulationConfig {
  const subgraph = readSubgraphConfig(env, POPULATION_DEFAULT_PORT);
  return {
    ...subgraph,
    population: readConnector(env, subgraph.production),
    ...readAuditKeys(env, subgraph.production),
    auditChain: readAuditChain(env, subgraph.production),
    maxIdsPerRequest: readInt(env, 'CITIZEN_MAX_IDS_PER_REQUEST', 1_000, 1, 100_000),
    maxVerificationsPerRequest: readInt(env, 'CITIZEN_MAX_VERIFICATIONS_PER_REQUEST', 10, 1, 10_000),
    maxVerificationsPerKeyPerHour: readInt(env, 'CITIZEN_MAX_VERIFICATIONS_PER_KEY_PER_HOUR', 1_000, 1, 10_000_000),
  };
}
