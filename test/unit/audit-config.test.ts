import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Env } from '../../src/platform/config';
import { developmentSigner, publicKeyIdOf } from '../../src/subgraphs/population/audit/checkpoint';
import { newChainId } from '../../src/subgraphs/population/audit/writer';
import { CHAIN_ID } from '../../src/subgraphs/population/audit/chain';
import { readPopulationConfig } from '../../src/subgraphs/population/config';
import { configErrorOf } from './support/config-error';

/** The audit chain's settings: the signing key (a PEM file), the writer's name and the checkpoint cadence. */

const dir = mkdtempSync(join(tmpdir(), 'dvc-audit-config-'));
function pemFile(name: string, pem: string): string {
  const path = join(dir, name);
  writeFileSync(path, pem);
  return path;
}
const ed25519 = generateKeyPairSync('ed25519');
const KEY = pemFile('audit-signing.pem', ed25519.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
const PRODUCTION: Env = {
  NODE_ENV: 'production',
  POPULATION_API_URL: 'https://dan-cu.example.gov.vn',
  POPULATION_CLIENT_SECRET: 'issued-by-the-upstream',
  AUDIT_HASH_KEY: 'k'.repeat(32),
  AUDIT_SIGNING_KEY: KEY,
};

/** The error readPopulationConfig throws for `env`, or undefined when it accepts it. */
const configError = (env: Env) => configErrorOf(() => readPopulationConfig(env));

describe('audit chain configuration', () => {
  it('signs with the key in AUDIT_SIGNING_KEY, named by the fingerprint of its public half', () => {
    const { auditChain } = readPopulationConfig(PRODUCTION);
    expect(auditChain.signerIsDefault).toBe(false);
    expect(auditChain.signer.publicKeyId).toBe(publicKeyIdOf(ed25519.publicKey));
    expect(auditChain.signer.publicKeyId).toMatch(/^[0-9a-f]{16}$/);
  });

  it('uses the development key outside production, and the same one in every process', () => {
    const { auditChain } = readPopulationConfig({});
    expect(auditChain).toMatchObject({ signerIsDefault: true, checkpointEntries: 1_000, checkpointSeconds: 60 });
    expect(auditChain.signer.publicKeyId).toBe(developmentSigner().publicKeyId);
  });

  it('refuses production without a key, with the development key, or with anything but an Ed25519 private key, never quoting a key', () => {
    const { AUDIT_SIGNING_KEY: _key, ...without } = PRODUCTION;
    expect(configError(without)?.message).toContain('openssl genpkey -algorithm ed25519');
    const devKey = pemFile('dev.pem', developmentSigner().privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
    expect(configError({ ...PRODUCTION, AUDIT_SIGNING_KEY: devKey })?.message).toContain('development key');
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    const publicOnly = ed25519.publicKey.export({ type: 'spki', format: 'pem' }) as string;
    for (const [name, pem] of [
      ['rsa.pem', rsa],
      ['public.pem', publicOnly],
      ['garbage.pem', 'not a key'],
    ] as const) {
      const error = configError({ ...PRODUCTION, AUDIT_SIGNING_KEY: pemFile(name, pem) });
      expect(error?.variable).toBe('AUDIT_SIGNING_KEY');
      expect(error?.message).not.toContain('PRIVATE KEY-----');
    }
    expect(configError({ AUDIT_SIGNING_KEY: join(dir, 'no-such-file.pem') })?.variable).toBe('AUDIT_SIGNING_KEY');
  });

  it('names chains after the writer, with a start time and random bits, so two processes never share one', () => {
    const config = readPopulationConfig({ AUDIT_WRITER_ID: 'population-a', AUDIT_CHECKPOINT_ENTRIES: '500', AUDIT_CHECKPOINT_SECONDS: '30' });
    expect(config.auditChain).toMatchObject({ writerId: 'population-a', checkpointEntries: 500, checkpointSeconds: 30 });
    const at = new Date('2026-12-02T03:04:05.678Z');
    const ids = [newChainId('population-a', at), newChainId('population-a', at)];
    for (const id of ids) expect(id).toMatch(CHAIN_ID);
    expect(ids[0]).toMatch(/^population-a-20261202T030405Z-[0-9a-f]{8}$/);
    expect(ids[0]).not.toBe(ids[1]);
    expect(readPopulationConfig({}).auditChain.writerId).toMatch(/^[A-Za-z0-9._-]{1,40}$/);
    expect(configError({ AUDIT_WRITER_ID: 'a b' })?.variable).toBe('AUDIT_WRITER_ID');
    expect(configError({ AUDIT_CHECKPOINT_ENTRIES: '0' })?.variable).toBe('AUDIT_CHECKPOINT_ENTRIES');
    expect(configError({ AUDIT_CHECKPOINT_SECONDS: 'soon' })?.variable).toBe('AUDIT_CHECKPOINT_SECONDS');
  });
});
