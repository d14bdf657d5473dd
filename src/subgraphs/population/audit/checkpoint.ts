import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { canonicalJson } from './canonical';
import { entryId } from './chain';

/**
 * Signed checkpoints: at intervals a writer signs its chain's head (sequence
 * number and hash) with an Ed25519 key. Without the private key nobody can
 * make a checkpoint, so the entries a checkpoint covers cannot be rewritten,
 * even with the hashes recomputed, without a signature failing.
 */
export interface CheckpointDocument {
  _id: string;
  chain: string;
  /** The last entry the checkpoint covers. */
  seq: number;
  /** That entry's hash. */
  headHash: string;
  /** When it was signed (ISO 8601). */
  atIso: string;
  /** The writer closed its chain here: an entry after it was not written by the writer. */
  final: boolean;
  /** Which key signed (its fingerprint), so verifiers can hold several after a rotation. */
  publicKeyId: string;
  /** Ed25519 over the canonical encoding of every other field, base64. */
  signature: string;
}

/** An Ed25519 key pair that signs checkpoints; the public half verifies them. */
export interface AuditSigner {
  publicKey: KeyObject;
  publicKeyId: string;
  privateKey: KeyObject;
}

/** The fingerprint of a public key: SHA-256 of its DER (SPKI) encoding, first 16 hex digits. */
export function publicKeyIdOf(publicKey: KeyObject): string {
  return createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex')
    .slice(0, 16);
}

/** A signer from an Ed25519 private key (throws when it is not one). */
export function signerFrom(privateKey: KeyObject): AuditSigner {
  if (privateKey.type !== 'private' || privateKey.asymmetricKeyType !== 'ed25519') throw new Error('not an Ed25519 private key');
  const publicKey = createPublicKey(privateKey);
  return { privateKey, publicKey, publicKeyId: publicKeyIdOf(publicKey) };
}

/** PKCS#8 DER of an Ed25519 private key is this prefix and the 32-byte seed (RFC 8410). */
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/**
 * The development signing key, the same in every checkout (derived from a
 * public phrase): checkpoints verify across restarts without configuration,
 * and production refuses it (config.ts), as it refuses the development hash key.
 */
export function developmentSigner(): AuditSigner {
  const seed = createHash('sha256').update('dvc-gateway development audit signing key (public: never use in production)').digest();
  return signerFrom(createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' }));
}

/** A signed checkpoint of `chain` at `seq` whose entry has hash `headHash`. */
export function signCheckpoint(signer: AuditSigner, head: { chain: string; seq: number; headHash: string; final: boolean }, at: Date = new Date()): CheckpointDocument {
  // A final checkpoint may sign the same head as the periodic one before it.
  const unsigned = {
    _id: `${entryId(head.chain, head.seq)}${head.final ? ':final' : ''}`,
    chain: head.chain,
    seq: head.seq,
    headHash: head.headHash,
    atIso: at.toISOString(),
    final: head.final,
    publicKeyId: signer.publicKeyId,
  };
  return { ...unsigned, signature: sign(null, Buffer.from(canonicalJson(unsigned)), signer.privateKey).toString('base64') };
}

/**
 * Whether `checkpoint` carries a valid signature by one of `publicKeys`
 * (by fingerprint): `unknown-key` when none of them has its `publicKeyId`.
 */
export function checkSignature(checkpoint: object, publicKeys: ReadonlyMap<string, KeyObject>): 'valid' | 'invalid' | 'unknown-key' {
  const { signature, ...unsigned } = checkpoint as { signature?: unknown; publicKeyId?: unknown };
  const key = typeof unsigned.publicKeyId === 'string' ? publicKeys.get(unsigned.publicKeyId) : undefined;
  if (!key) return 'unknown-key';
  if (typeof signature !== 'string') return 'invalid';
  const bytes = Buffer.from(signature, 'base64');
  // Base64 decoding skips stray characters and ignores spare bits: only the exact encoding counts.
  if (bytes.toString('base64') !== signature) return 'invalid';
  try {
    return verify(null, Buffer.from(canonicalJson(unsigned)), key, bytes) ? 'valid' : 'invalid';
  } catch {
    return 'invalid';
  }
}
