import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Env } from '../../src/platform/config';
import { DEV_POPULATION_CLIENT } from '../../src/platform/population-api/purposes';
import { auditKeyOf, MIN_AUDIT_KEY_BYTES, readPopulationConfig } from '../../src/subgraphs/population/config';
import { configErrorOf } from './support/config-error';

/** The error readPopulationConfig throws for `env`, or undefined when it accepts it. */
const configError = (env: Env) => configErrorOf(() => readPopulationConfig(env));

const STRONG_KEY = 'k'.repeat(MIN_AUDIT_KEY_BYTES);
/** Production also needs the audit trail's signing key (test/unit/audit-config.test.ts tests it). */
const SIGNING_KEY = join(mkdtempSync(join(tmpdir(), 'dvc-population-config-')), 'audit-signing.pem');
writeFileSync(SIGNING_KEY, generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }));
const PRODUCTION: Env = {
  NODE_ENV: 'production',
  POPULATION_API_URL: 'https://dan-cu.example.gov.vn',
  POPULATION_CLIENT_SECRET: 'a-secret-issued-by-the-upstream',
  AUDIT_HASH_KEY: STRONG_KEY,
  AUDIT_SIGNING_KEY: SIGNING_KEY,
};

describe('population subgraph configuration', () => {
  it('has the documented caps by default', () => {
    const config = readPopulationConfig({});
    expect(config).toMatchObject({
      maxIdsPerRequest: 1_000,
      maxVerificationsPerRequest: 10,
      maxVerificationsPerKeyPerHour: 1_000,
      auditHashKeyIsDefault: true,
      auditPreviousHashKeys: [],
    });
    expect(config.population.maxConcurrentBatches).toBe(8);
    const set = readPopulationConfig({
      CITIZEN_MAX_IDS_PER_REQUEST: '20',
      CITIZEN_MAX_VERIFICATIONS_PER_REQUEST: '2',
      CITIZEN_MAX_VERIFICATIONS_PER_KEY_PER_HOUR: '5',
      POPULATION_MAX_CONCURRENT_BATCHES: '3',
    });
    expect(set).toMatchObject({ maxIdsPerRequest: 20, maxVerificationsPerRequest: 2, maxVerificationsPerKeyPerHour: 5, population: { maxConcurrentBatches: 3 } });
    expect(configError({ POPULATION_MAX_CONCURRENT_BATCHES: '0' })?.variable).toBe('POPULATION_MAX_CONCURRENT_BATCHES');
    expect(configError({ CITIZEN_MAX_IDS_PER_REQUEST: 'many' })?.variable).toBe('CITIZEN_MAX_IDS_PER_REQUEST');
  });

  it('starts in production with an upstream, its own client secret and a strong audit key', () => {
    const config = readPopulationConfig(PRODUCTION);
    expect(config.production).toBe(true);
    expect(config.auditHashKeyIsDefault).toBe(false);
    expect(config.auditHashKey).toEqual(auditKeyOf(STRONG_KEY));
  });

  it('refuses production without POPULATION_API_URL (the development stub does not start there)', () => {
    const { POPULATION_API_URL: _url, ...withoutUrl } = PRODUCTION;
    expect(configError(withoutUrl)?.variable).toBe('POPULATION_API_URL');
    expect(configError({ ...PRODUCTION, POPULATION_API_URL: 'ftp://dan-cu.example.gov.vn' })?.variable).toBe('POPULATION_API_URL');
  });

  it('refuses production with the public development client secret, given or defaulted', () => {
    const { POPULATION_CLIENT_SECRET: _secret, ...withoutSecret } = PRODUCTION;
    expect(configError(withoutSecret)?.variable).toBe('POPULATION_CLIENT_SECRET');
    const given = configError({ ...PRODUCTION, POPULATION_CLIENT_SECRET: DEV_POPULATION_CLIENT.secret });
    expect(given?.variable).toBe('POPULATION_CLIENT_SECRET');
    expect(given?.message).not.toContain(DEV_POPULATION_CLIENT.secret);
  });

  it('refuses production without AUDIT_HASH_KEY, or with one under 32 bytes, never quoting the key', () => {
    const { AUDIT_HASH_KEY: _key, ...withoutKey } = PRODUCTION;
    expect(configError(withoutKey)?.variable).toBe('AUDIT_HASH_KEY');
    const short = 's3cr3t-'.repeat(4).slice(0, MIN_AUDIT_KEY_BYTES - 1);
    const error = configError({ ...PRODUCTION, AUDIT_HASH_KEY: short });
    expect(error?.variable).toBe('AUDIT_HASH_KEY');
    expect(error?.message).toContain(String(MIN_AUDIT_KEY_BYTES));
    expect(error?.message).not.toContain(short);
    // Bytes, not characters: 16 two-byte letters are 32 bytes.
    expect(configError({ ...PRODUCTION, AUDIT_HASH_KEY: 'đ'.repeat(16) })).toBeUndefined();
    // Outside production a short key is accepted (the tests' own key is short).
    expect(configError({ AUDIT_HASH_KEY: 'short' })).toBeUndefined();
  });

  it('names every audit key by a fingerprint, and keeps the previous keys for lookups by subject', () => {
    const config = readPopulationConfig({ ...PRODUCTION, AUDIT_HASH_PREVIOUS_KEYS: ' old-key-2024 , ,old-key-2023,' });
    expect(config.auditPreviousHashKeys.map((key) => key.key)).toEqual(['old-key-2024', 'old-key-2023']);
    const ids = [config.auditHashKey, ...config.auditPreviousHashKeys].map((key) => key.id);
    expect(new Set(ids).size).toBe(3);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{12}$/);
    expect(auditKeyOf(STRONG_KEY).id).toBe(config.auditHashKey.id); // stable across restarts
  });
});
