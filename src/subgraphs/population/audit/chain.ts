import { hash } from 'node:crypto';
import { canonicalJson } from './canonical';

/**
 * The hash chain of the audit trail. Each writer (one population subgraph
 * process) appends to a chain of its own; every entry names its chain, its
 * sequence number in it (1, 2, 3, …) and the hash of the entry before it, and
 * its own hash is SHA-256 over its canonical encoding (canonical.ts): the
 * entry with every field but the hash. Changing, removing, inserting or
 * reordering an entry therefore breaks a hash or a link; signed checkpoints
 * (checkpoint.ts) pin the chain's head so that a rewrite of the links shows too.
 *
 * An append is stored as one page: one document holding the entries the
 * append linked as JSON lines, each line an entry's canonical text, exactly
 * the bytes that were hashed. One document per append is atomic (no partial write to reason
 * about), and the embedded database stores one document of strings about five
 * times faster than the same entries as documents of fields (README, "Audit
 * trail"); the page's other fields are derived from its entries, so that
 * verification can check them too.
 */

/** What the previous hash of a chain's first entry is: no entry came before it. */
export const GENESIS_HASH = '0'.repeat(64);

/** The fields that put an entry in its chain (its hash is kept beside it). */
export interface ChainPlace {
  _id: string;
  chain: string;
  seq: number;
  prevHash: string;
}

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

/** An entry linked into its chain: its fields, its canonical text, and the SHA-256 of that text. */
export interface LinkedEntry<T> {
  document: T & ChainPlace;
  text: string;
  hash: string;
}

/** The content an entry needs for its page's index fields. */
export interface PagedContent {
  atIso: string;
  subjectHash: string;
}

/**
 * One append as stored (collection `audit_log`). Every field but `entries` is
 * derived from the entries; verification recomputes them.
 */
export interface AuditPageDocument {
  /** `<chain>:<seq>` of its first entry: a second page starting at the same number cannot be stored. */
  _id: string;
  chain: string;
  /** Its first entry's seq, and its last. */
  seq: number;
  lastSeq: number;
  /** Its last entry's time: pages are listed newest first by it. */
  atIso: string;
  /** Each entry's subjectHash, in order: what `auditEntries(subjectId:)` finds a page by. */
  subjects: string[];
  /** SHA-256 of each entry's text, in order: 64 hex digits each, one after the other. */
  hashes: string;
  /** Each entry's canonical JSON, in order of seq, one per line (canonical JSON holds no raw newline). */
  entries: string;
}

/** A page's entry texts and hashes, split apart (a page that does not split evenly gives what it has). */
export function splitPage(page: Pick<AuditPageDocument, 'entries' | 'hashes'>): { texts: string[]; hashes: string[] } {
  const texts = page.entries.split('\n');
  return { texts, hashes: Array.from({ length: Math.ceil(page.hashes.length / 64) }, (_, index) => page.hashes.slice(index * 64, index * 64 + 64)) };
}

/** The `_id` of entry `seq` of `chain` (and of the page that begins with it). */
export function entryId(chain: string, seq: number): string {
  return `${chain}:${seq}`;
}

export function sha256(text: string): string {
  // The one-shot form: no Hash object per entry, on the lookup's path.
  return hash('sha256', text, 'hex');
}

/** SHA-256 of the canonical encoding of `document` without its own `hash` (an entry as an export holds it). */
export function hashOf(document: object): string {
  const { hash: _hash, ...content } = document as { hash?: unknown };
  return sha256(canonicalJson(content));
}

/**
 * Links `contents` into `chain` after `head`, in order: each gets its `_id`,
 * `seq` and `prevHash`, its canonical text and its hash. Pure: the caller
 * advances its head only once the page holding them is stored.
 */
export function linkEntries<T extends object>(chain: string, head: ChainHead, contents: readonly T[]): Array<LinkedEntry<T>> {
  let previous = head;
  return contents.map((content) => {
    const seq = previous.seq + 1;
    const document = { _id: entryId(chain, seq), chain, seq, prevHash: previous.hash, ...content };
    const text = canonicalJson(document);
    const hash = sha256(text);
    previous = { seq, hash };
    return { document, text, hash };
  });
}

/** The page that stores `linked` (at least one entry, consecutive, of `chain`). */
export function pageOf<T extends PagedContent>(chain: string, linked: ReadonlyArray<LinkedEntry<T>>): AuditPageDocument {
  const first = linked[0];
  const last = linked[linked.length - 1];
  if (!first || !last) throw new Error('a page holds at least one entry');
  return {
    _id: entryId(chain, first.document.seq),
    chain,
    seq: first.document.seq,
    lastSeq: last.document.seq,
    atIso: last.document.atIso,
    subjects: linked.map((entry) => entry.document.subjectHash),
    hashes: linked.map((entry) => entry.hash).join(''),
    entries: linked.map((entry) => entry.text).join('\n'),
  };
}

/** Chain ids: the writer's name, when it started, and random bits, so two processes never share one. */
export const CHAIN_ID = /^[A-Za-z0-9._-]{1,64}-\d{8}T\d{6}Z-[0-9a-f]{8}$/;
