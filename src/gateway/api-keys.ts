import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Collection, Db } from 'mongodb';
import { isRole, ROLES, type Principal, type Role } from '../platform/identity/principal';
import { CITIZEN_FIELDS, LOOKUP_PURPOSES } from '../platform/population-api/purposes';

/** An API key as stored: only a hash of its secret, never the key itself. */
export interface ApiKeyDocument {
  /** Public id, the key's prefix ("k_3f9a..."), shown in logs and the audit trail. */
  _id: string;
  name: string;
  role: Role;
  /** Lookup purposes this key may state; absent or null: every purpose. */
  purposes?: string[] | null;
  /** Citizen fields this key may read; absent or null: every field its purposes allow. */
  fields?: string[] | null;
  /** SHA-256 of the secret part (the secret has 256 random bits, so no slow hash is needed). */
  secretHash: string;
  createdAt: Date;
  revokedAt: Date | null;
}

export function apiKeys(db: Db): Collection<ApiKeyDocument> {
  return db.collection<ApiKeyDocument>('api_keys');
}

const KEY_FORMAT = /^dvc_(k_[0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export interface NewApiKey {
  name: string;
  role: Role;
  purposes?: string[] | null;
  fields?: string[] | null;
}

/** Why a new key's settings are wrong, or null: roles, purposes and fields must be ones the gateway knows. */
export function apiKeyProblem(key: NewApiKey): string | null {
  if (!isRole(key.role)) return `unknown role "${key.role}"; one of ${ROLES.join(', ')}`;
  const unknownPurpose = key.purposes?.find((purpose) => !Object.hasOwn(LOOKUP_PURPOSES, purpose));
  if (unknownPurpose) return `unknown purpose "${unknownPurpose}"; one of ${Object.keys(LOOKUP_PURPOSES).join(', ')}`;
  const unknownField = key.fields?.find((field) => !(CITIZEN_FIELDS as readonly string[]).includes(field));
  if (unknownField) return `unknown citizen field "${unknownField}"; one of ${CITIZEN_FIELDS.join(', ')}`;
  return null;
}

/** Creates a key and returns it in full; this is the only time the full key exists. */
export async function createApiKey(db: Db, key: NewApiKey): Promise<{ key: string; id: string }> {
  const problem = apiKeyProblem(key);
  if (problem) throw new Error(problem);
  const id = `k_${randomBytes(8).toString('hex')}`;
  const secret = randomBytes(32).toString('base64url');
  await apiKeys(db).insertOne({
    _id: id,
    name: key.name,
    role: key.role,
    purposes: key.purposes ?? null,
    fields: key.fields ?? null,
    secretHash: hashSecret(secret),
    createdAt: new Date(),
    revokedAt: null,
  });
  return { key: `dvc_${id}_${secret}`, id };
}

export async function revokeApiKey(db: Db, id: string): Promise<boolean> {
  const result = await apiKeys(db).updateOne({ _id: id, revokedAt: null }, { $set: { revokedAt: new Date() } });
  return result.modifiedCount === 1;
}

/** Verifies presented keys. A gateway without a key database (a plain gateway without MONGODB_URI) knows none. */
export interface KeyStore {
  /** The principal a presented key stands for, or null when it is malformed, unknown or revoked. */
  authenticate(presented: string): Promise<Principal | null>;
}

export const NO_KEYS: KeyStore = { authenticate: async () => null };

/** Keys in MongoDB, stored hashed; compared in constant time. */
export function mongoKeyStore(db: Db): KeyStore {
  return {
    async authenticate(presented) {
      const match = KEY_FORMAT.exec(presented);
      if (!match?.[1] || !match[2]) return null;
      // The id is a literal string checked by KEY_FORMAT, never an operator.
      const stored = await apiKeys(db).findOne({ _id: match[1] });
      if (!stored || stored.revokedAt) return null;
      const given = Buffer.from(hashSecret(match[2]), 'hex');
      const expected = Buffer.from(stored.secretHash, 'hex');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
      return { role: stored.role, keyId: stored._id, name: stored.name, purposes: stored.purposes ?? null, fields: stored.fields ?? null };
    },
  };
}

/** The key id a presented key claims (not verified): for logs of failed attempts. */
export function claimedKeyId(presented: string): string | null {
  return /^dvc_(k_[0-9a-f]{16})_/.exec(presented)?.[1] ?? null;
}
