import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Collection, Db } from 'mongodb';
import { ROLES, type Principal, type Role } from './principal';

/** An API key as stored: only a hash of its secret, never the key itself. */
export interface ApiKeyDocument {
  /** Public id, the key's prefix ("k_3f9a..."), shown in logs and the audit trail. */
  _id: string;
  name: string;
  role: Role;
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

/** Creates a key and returns it in full; this is the only time the full key exists. */
export async function createApiKey(db: Db, name: string, role: Role): Promise<{ key: string; id: string }> {
  if (!ROLES.includes(role)) throw new Error(`unknown role "${role}"; one of ${ROLES.join(', ')}`);
  const id = `k_${randomBytes(8).toString('hex')}`;
  const secret = randomBytes(32).toString('base64url');
  await apiKeys(db).insertOne({ _id: id, name, role, secretHash: hashSecret(secret), createdAt: new Date(), revokedAt: null });
  return { key: `dvc_${id}_${secret}`, id };
}

export async function revokeApiKey(db: Db, id: string): Promise<boolean> {
  const result = await apiKeys(db).updateOne({ _id: id, revokedAt: null }, { $set: { revokedAt: new Date() } });
  return result.modifiedCount === 1;
}

/** The principal a presented key stands for, or null when it is malformed, unknown or revoked. */
export async function authenticate(db: Db, presented: string): Promise<Principal | null> {
  const match = KEY_FORMAT.exec(presented);
  if (!match?.[1] || !match[2]) return null;
  const stored = await apiKeys(db).findOne({ _id: match[1] });
  if (!stored || stored.revokedAt) return null;
  const given = Buffer.from(hashSecret(match[2]), 'hex');
  const expected = Buffer.from(stored.secretHash, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  return { role: stored.role, keyId: stored._id, name: stored.name };
}
