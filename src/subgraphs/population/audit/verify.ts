import type { KeyObject } from 'node:crypto';
import { canonicalJson, NotCanonicalError } from './canonical';
import { entryId, GENESIS_HASH, sha256 } from './chain';
import { checkSignature } from './checkpoint';

/**
 * Verification of the audit trail's chains, the same for the database
 * (`npm run audit -- verify`) and for an exported period checked offline
 * (`verify --file`): every entry's hash against its content, every link to
 * the entry before, every sequence number, every checkpoint's signature and
 * the head it signed. The first problem of each chain is named precisely.
 */

export type ProblemKind = 'changed' | 'missing' | 'inserted' | 'reordered' | 'bad-signature';

export interface Problem {
  kind: ProblemKind;
  /** The entry (`<chain>:<seq>` or the stored `_id`) or checkpoint where the chain breaks first. */
  at: string;
  detail: string;
}

/**
 * One record of a chain: a whole entry (its fields without its hash, the hash
 * it claims, and, read from a page, the text that was stored), or (in an
 * export, outside its period) only the entry's place and hashes.
 */
export type TrailRecord =
  { kind: 'entry'; document: Record<string, unknown>; hash: unknown; text?: string } | { kind: 'link'; chain: string; seq: number; prevHash: string; hash: string };

export interface ChainReport {
  chain: string;
  entries: number;
  links: number;
  checkpoints: number;
  firstSeq: number;
  lastSeq: number;
  firstAt: string | null;
  lastAt: string | null;
  /** The last seq a valid checkpoint covers (0: none). */
  sealedTo: number;
  /** The writer closed the chain with a final checkpoint. */
  closed: boolean;
  problem: Problem | null;
}

/** Where a chain must begin: at seq 1 (the database holds whole chains), or at seq 1 or a checkpoint (an export's section). */
export type StartRule = 'genesis' | 'genesis-or-checkpoint';

const HEX64 = /^[0-9a-f]{64}$/;
/** How far from its place a moved entry is looked for (beyond that, a moved entry is reported as changed). */
const REORDER_WINDOW = 16;

interface Checkpoint {
  _id: unknown;
  seq: number;
  headHash: unknown;
  final: unknown;
  raw: Record<string, unknown>;
}

function isSeq(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/**
 * The hash an entry's content gives, or why it has none. Read from a page,
 * the stored text is hashed, and must be the canonical encoding of what it
 * says (an edit that only reformats the text is an edit too).
 */
function contentHash(document: Record<string, unknown>, text?: string): { hash: string } | { notCanonical: string } {
  try {
    const canonical = canonicalJson(document);
    if (text !== undefined && canonical !== text) return { notCanonical: 'its stored text is not the canonical encoding of its content' };
    return { hash: sha256(canonical) };
  } catch (error) {
    if (error instanceof NotCanonicalError) return { notCanonical: error.message };
    throw error;
  }
}

/** The seq an entry was written with, when its hash matches its content placed there (moved within REORDER_WINDOW, or named by its `_id`). */
function originalSeq(chain: string, document: Record<string, unknown>, seq: number, hash: string): number | null {
  const idSeq = typeof document._id === 'string' && document._id.startsWith(`${chain}:`) ? Number(document._id.slice(chain.length + 1)) : NaN;
  const candidates = new Set<number>(Number.isSafeInteger(idSeq) && idSeq !== seq ? [idSeq] : []);
  for (let distance = 1; distance <= REORDER_WINDOW; distance += 1) candidates.add(seq + distance).add(seq - distance);
  for (const candidate of candidates) {
    if (candidate < 1) continue;
    const moved = contentHash({ ...document, _id: entryId(chain, candidate), seq: candidate });
    if ('hash' in moved && moved.hash === hash) return candidate;
  }
  return null;
}

/**
 * Verifies one chain, fed its records in seq order. Keeps counting after the
 * first problem (for the summary) but reports only that one: past a break,
 * the chain's later links say nothing more.
 */
export class ChainVerifier {
  private readonly report: ChainReport;
  private previous: { seq: number; hash: string; at: string } | null = null;
  private readonly checkpoints = new Map<number, Checkpoint[]>();
  private final: Checkpoint | null = null;

  constructor(
    readonly chain: string,
    checkpoints: ReadonlyArray<Record<string, unknown>>,
    private readonly publicKeys: ReadonlyMap<string, KeyObject>,
    private readonly start: StartRule,
  ) {
    this.report = { chain, entries: 0, links: 0, checkpoints: checkpoints.length, firstSeq: 0, lastSeq: 0, firstAt: null, lastAt: null, sealedTo: 0, closed: false, problem: null };
    for (const raw of [...checkpoints].sort((a, b) => Number(a.seq) - Number(b.seq))) this.addCheckpoint(raw);
  }

  private fail(kind: ProblemKind, at: string, detail: string): void {
    this.report.problem ??= { kind, at, detail };
  }

  private addCheckpoint(raw: Record<string, unknown>): void {
    const id = String(raw._id);
    const signature = checkSignature(raw, this.publicKeys);
    if (signature === 'unknown-key')
      return this.fail('bad-signature', `checkpoint ${id}`, `it was signed by key ${String(raw.publicKeyId)}, which is not among the public keys given`);
    if (signature === 'invalid') return this.fail('bad-signature', `checkpoint ${id}`, 'its signature does not match its content: the checkpoint was altered (or forged)');
    if (raw.chain !== this.chain || !isSeq(raw.seq) || raw.seq < 1) return this.fail('inserted', `checkpoint ${id}`, 'it is signed, but not for this chain or for no entry');
    if (this.final && raw.seq > this.final.seq) return this.fail('inserted', `checkpoint ${id}`, `it follows the chain's final checkpoint at seq ${this.final.seq}`);
    const checkpoint: Checkpoint = { _id: raw._id, seq: raw.seq, headHash: raw.headHash, final: raw.final, raw };
    this.checkpoints.set(raw.seq, [...(this.checkpoints.get(raw.seq) ?? []), checkpoint]);
    if (raw.final === true) this.final = checkpoint;
  }

  /** Compares the record at `seq` with the checkpoints that signed a head there. */
  private matchCheckpoints(seq: number, hash: string): void {
    for (const checkpoint of this.checkpoints.get(seq) ?? []) {
      if (checkpoint.headHash !== hash) {
        this.fail(
          'changed',
          entryId(this.chain, seq),
          `checkpoint ${String(checkpoint._id)} signed a different head here: an entry at or before seq ${seq} was rewritten, with the hashes after it recomputed`,
        );
        continue;
      }
      if (!this.report.problem) this.report.sealedTo = seq;
    }
  }

  /** A problem found outside the entries themselves (a page whose index fields were edited, say). */
  problem(kind: ProblemKind, at: string, detail: string): void {
    this.fail(kind, at, detail);
  }

  /** The next record, in seq order. */
  add(record: TrailRecord): void {
    const checked = record.kind === 'entry' ? this.checkEntry(record) : this.checkLink(record);
    if (!checked) return;
    const { seq, hash, at } = checked;
    if (this.report.entries + this.report.links === 0) this.report.firstSeq = seq;
    if (record.kind === 'entry') this.report.entries += 1;
    else this.report.links += 1;
    this.report.lastSeq = seq;
    if (this.final && seq > this.final.seq)
      this.fail('inserted', entryId(this.chain, seq), `it follows the chain's final checkpoint at seq ${this.final.seq}: the writer never wrote it`);
    this.matchCheckpoints(seq, hash);
    this.previous = { seq, hash, at };
  }

  /** The link checks every record gets: its number follows the one before, and its prevHash is that record's hash. */
  private checkPlace(at: string, seq: number, prevHash: unknown, contentValid: boolean): void {
    const previous = this.previous;
    if (!previous) return this.checkStart(at, seq, prevHash);
    if (seq === previous.seq) return this.fail('inserted', at, `it and ${previous.at} both claim seq ${seq}: one of the two was added`);
    if (seq > previous.seq + 1 && contentValid)
      return this.fail('missing', entryId(this.chain, previous.seq + 1), `entries ${previous.seq + 1}–${seq - 1} are missing (the next one stored is seq ${seq})`);
    if (seq > previous.seq + 1) return this.fail('missing', entryId(this.chain, previous.seq + 1), `seq jumps from ${previous.seq} to ${seq}`);
    if (prevHash !== previous.hash) this.fail('inserted', at, `it does not link to entry ${previous.seq}: it, or the entry before it, was replaced by one written elsewhere`);
  }

  /**
   * The first record: seq 1 linked to the genesis hash, or (in an export) the
   * record after a checkpoint, linked to the head that checkpoint signed.
   */
  private checkStart(at: string, seq: number, prevHash: unknown): void {
    if (seq === 1) {
      if (prevHash !== GENESIS_HASH) this.fail('inserted', at, 'it claims to be the first entry but does not start from the genesis hash');
      return;
    }
    const anchors = this.start === 'genesis-or-checkpoint' ? (this.checkpoints.get(seq - 1) ?? []) : [];
    if (anchors.length === 0)
      return this.fail(
        'missing',
        entryId(this.chain, this.start === 'genesis' ? 1 : seq - 1),
        `the chain starts at seq ${seq} with nothing to anchor it: the entries before it are missing`,
      );
    if (anchors.some((checkpoint) => checkpoint.headHash !== prevHash)) this.fail('inserted', at, `it does not link to the head that checkpoint ${String(anchors[0]?._id)} signed`);
    else this.report.sealedTo = seq - 1;
  }

  private checkEntry(record: Extract<TrailRecord, { kind: 'entry' }>): { seq: number; hash: string; at: string } | null {
    const { document, hash } = record;
    const at = typeof document._id === 'string' ? document._id : entryId(this.chain, Number(document.seq));
    const { seq } = document;
    if (!isSeq(seq) || seq < 1 || typeof hash !== 'string' || !HEX64.test(hash) || typeof document.prevHash !== 'string') {
      this.fail('changed', at, 'its chain fields (seq, prevHash, hash) are missing or malformed');
      return null;
    }
    this.noteTime(document);
    if (this.previous?.seq === seq) {
      this.fail('inserted', at, `it and ${this.previous.at} both claim seq ${seq}: one of the two was added`);
      return { seq, hash, at };
    }
    const computed = contentHash(document, record.text);
    if ('notCanonical' in computed) this.fail('changed', at, `it was edited: ${computed.notCanonical}`);
    else if (computed.hash !== hash) {
      const moved = originalSeq(this.chain, document, seq, hash);
      if (moved !== null) this.fail('reordered', at, `it was written as seq ${moved} and now stands at seq ${seq}: entries were swapped or moved`);
      else this.fail('changed', at, 'its content does not match its hash: a field was edited after it was written');
    } else if (document._id !== entryId(this.chain, seq))
      this.fail('inserted', at, `its hash is right but its _id is not ${entryId(this.chain, seq)}: it was made outside the chain's writer`);
    this.checkPlace(at, seq, document.prevHash, 'hash' in computed && computed.hash === hash);
    return { seq, hash, at };
  }

  private checkLink(record: Extract<TrailRecord, { kind: 'link' }>): { seq: number; hash: string; at: string } | null {
    const at = entryId(this.chain, record.seq);
    if (!isSeq(record.seq) || record.seq < 1 || !HEX64.test(record.hash) || !HEX64.test(record.prevHash)) {
      this.fail('changed', at, 'a link record is malformed');
      return null;
    }
    this.checkPlace(at, record.seq, record.prevHash, true);
    return { seq: record.seq, hash: record.hash, at };
  }

  private noteTime(document: Record<string, unknown>): void {
    if (typeof document.atIso !== 'string') return;
    if (!this.report.firstAt || document.atIso < this.report.firstAt) this.report.firstAt = document.atIso;
    if (!this.report.lastAt || document.atIso > this.report.lastAt) this.report.lastAt = document.atIso;
  }

  /** The chain's report, once every record has been added. */
  finish(): ChainReport {
    const last = this.report.lastSeq;
    if (this.report.entries + this.report.links === 0) this.fail('missing', `chain ${this.chain}`, 'it has signed checkpoints but no entries: the entries were deleted');
    for (const seq of this.checkpoints.keys()) {
      if (seq > last) this.fail('missing', entryId(this.chain, last + 1), `checkpoint at seq ${seq} covers entries up to ${seq}, but the chain ends at seq ${last}`);
    }
    this.report.closed = this.final !== null && this.final.seq === last && !this.report.problem;
    return { ...this.report };
  }
}
