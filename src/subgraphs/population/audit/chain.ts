import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical';

/**
 * The hash chain of the audit trail. Each writer (one population subgraph
 * process) appends to a chain of its own; every entry names its chain, its
 * sequence number in it (1, 2, 3, …) and the hash of the entry before it, and
 * its own `hash` is SHA-256 over the canonical encoding (canonical.ts) of
 * every other field of the stored document. Changing, removing, inserting or
 * reordering an entry therefore breaks a hash or a link; signed checkpoints
 * (checkpoint.ts) pin the chain's head so that a rewrite of the links shows too.
 */

/** What the previous hash of a chain's first entry is: no entry came before it. */
export const GENESIS_HASH = '0'.repeat(64);

/** The fields that put an entry in its chain. */
export interface ChainLink {
  chain: string;
  seq: number;
  prevHash: string;
  hash: string;
}

/** A chain's head: the last entry stored (seq 0 and GENESIS_HASH before the first). */
export interface ChainHead {
  seq: number;
  hash: string;
}

/** The `_id` of entry `seq` of `chain`: unique, so a second entry with the same number cannot be stored. */
export function entryId(chain: string, seq: number): string {
  return `${chain}:${seq}`;
}

/** SHA-256 (hex) of the canonical encoding of `document` without its own `hash`. */
export function hashOf(document: object): string {
  const { hash: _hash, ...content } = document as { hash?: unknown };
  return createHash('sha256').update(canonicalJson(content)).digest('hex');
}

/**
 * Links `contents` into `chain` after `head`, in order: each gets its `_id`,
 * `seq`, `prevHash` and `hash`. Pure: the caller advances its head only once
 * the linked documents are stored.
 */
export function linkEntries<T extends object>(chain: string, head: ChainHead, contents: readonly T[]): Array<T & ChainLink & { _id: string }> {
  let previous = head;
  return contents.map((content) => {
    const seq = previous.seq + 1;
    const unhashed = { _id: entryId(chain, seq), chain, seq, prevHash: previous.hash, ...content };
    const linked = { ...unhashed, hash: hashOf(unhashed) };
    previous = { seq, hash: linked.hash };
    return linked;
  });
}

/** Chain ids: the writer's name, when it started, and random bits, so two processes never share one. */
export const CHAIN_ID = /^[A-Za-z0-9._-]{1,64}-\d{8}T\d{6}Z-[0-9a-f]{8}$/;
