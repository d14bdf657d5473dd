import { randomBytes } from 'node:crypto';
import { MongoServerError, MongoWriteConcernError, type Collection } from 'mongodb';
import type { Logger } from '../../../platform/logger';
import { GENESIS_HASH, linkEntries, pageOf, type AuditPageDocument, type ChainHead, type PagedContent } from './chain';
import { signCheckpoint, type AuditSigner, type CheckpointDocument } from './checkpoint';

/** Entries one page may hold: bounds the document (about 1.5 MB) and the work one failed write loses. */
const MAX_ENTRIES_PER_PAGE = 2_000;

export interface ChainWriterOptions {
  pages: Collection<AuditPageDocument>;
  checkpoints: Collection<CheckpointDocument>;
  signer: AuditSigner;
  /** Names the writer in its chain ids (AUDIT_WRITER_ID, or the host name). */
  writerId: string;
  /** A checkpoint after this many entries since the last one. */
  checkpointEntries: number;
  /** …or after this long, when entries were written since the last one. */
  checkpointSeconds: number;
  log: Logger;
}

interface Pending<T> {
  contents: readonly T[];
  resolve(): void;
  reject(error: unknown): void;
}

/** A chain id: the writer, when the chain started, and 32 random bits (no two processes share a chain). */
export function newChainId(writerId: string, now: Date = new Date()): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  return `${writerId}-${stamp}-${randomBytes(4).toString('hex')}`;
}

/**
 * What a failed insert of one page left behind. The server refusing it
 * (`refused`) means nothing was stored; `duplicate` that a unique index
 * refused it (our page id taken, or another index). Anything else (the
 * connection dropped, a write concern not met) leaves it unknown.
 */
export function insertOutcome(error: unknown): 'refused' | 'duplicate' | 'unknown' {
  if (error instanceof MongoWriteConcernError || !(error instanceof MongoServerError)) return 'unknown';
  return error.code === 11000 ? 'duplicate' : 'refused';
}

/**
 * The one writer of this process's chain. Appends are serialised through a
 * queue: while one page is being stored, the entries of every request that
 * arrives meanwhile are linked in memory and go out together as the next page
 * (group commit), so a lookup of 1,000 IDs costs a few inserts, not twenty.
 * The head advances only once a page is stored; an append resolves once the
 * page holding its entries is stored, and rejects otherwise.
 */
export class AuditChainWriter<T extends PagedContent> {
  private chainId: string;
  private head: ChainHead = { seq: 0, hash: GENESIS_HASH };
  /** The last seq a checkpoint of the current chain covers. */
  private sealed = 0;
  private readonly queue: Array<Pending<T>> = [];
  private draining: Promise<void> | null = null;
  private checkpointing: Promise<void> = Promise.resolve();
  private readonly timer: NodeJS.Timeout;
  private closed = false;

  constructor(private readonly options: ChainWriterOptions) {
    this.chainId = newChainId(options.writerId);
    this.timer = setInterval(() => void this.checkpoint(false), options.checkpointSeconds * 1_000);
    this.timer.unref();
  }

  /** The chain this writer appends to now, and its head (for tests and the log). */
  get state(): { chain: string; seq: number; hash: string } {
    return { chain: this.chainId, ...this.head };
  }

  /** Links and stores `contents` after everything appended before; resolves once they are stored. */
  append(contents: readonly T[]): Promise<void> {
    if (this.closed) return Promise.reject(new Error('the audit trail is closed'));
    if (contents.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ contents, resolve, reject });
      this.draining ??= this.drain().finally(() => (this.draining = null));
    });
  }

  private async drain(): Promise<void> {
    // One turn of the event loop first, so appends arriving together share the first page.
    await new Promise((resolve) => setImmediate(resolve));
    while (this.queue.length > 0) {
      const group: Array<Pending<T>> = [];
      let size = 0;
      while (this.queue.length > 0 && (group.length === 0 || size + (this.queue[0]?.contents.length ?? 0) <= MAX_ENTRIES_PER_PAGE)) {
        const next = this.queue.shift() as Pending<T>;
        group.push(next);
        size += next.contents.length;
      }
      await this.write(group);
      if (this.head.seq - this.sealed >= this.options.checkpointEntries) void this.checkpoint(false);
    }
  }

  private async write(group: ReadonlyArray<Pending<T>>): Promise<void> {
    const chain = this.chainId;
    const linked = linkEntries(
      chain,
      this.head,
      group.flatMap((pending) => pending.contents),
    );
    const page = pageOf(chain, linked);
    try {
      await this.options.pages.insertOne(page);
    } catch (error) {
      const outcome = insertOutcome(error);
      // Refused: nothing was stored and the head stays. Unknown, or our page id taken: continue on a new chain.
      if (outcome === 'unknown') this.rotate('unknown');
      else if (outcome === 'duplicate' && (await this.taken(page._id))) this.rotate('taken');
      this.options.log.warn('audit entries not stored', { chain, entries: linked.length, outcome, reason: error instanceof Error ? error.name : 'unknown' });
      for (const pending of group) pending.reject(error);
      return;
    }
    const last = linked[linked.length - 1];
    if (last) this.head = { seq: last.document.seq, hash: last.hash };
    for (const pending of group) pending.resolve();
  }

  /**
   * Whether a page with this `_id` is stored: after a duplicate-key refusal,
   * tells our own next number being taken (someone wrote into our chain) from
   * another unique index refusing the page. When the database cannot say, the
   * number counts as taken.
   */
  private async taken(id: string): Promise<boolean> {
    try {
      return (await this.options.pages.findOne({ _id: id }, { projection: { _id: 1 } })) !== null;
    } catch {
      return true;
    }
  }

  /**
   * Starts a new chain after a write whose outcome is unknown, or whose next
   * number is taken. In the second case the old chain is sealed at its last
   * stored entry, so nothing can follow it unnoticed; after an unknown outcome
   * its end is unknown, and it stays unsealed (verify says so).
   */
  private rotate(reason: 'taken' | 'unknown'): void {
    const old = { chain: this.chainId, head: this.head };
    this.chainId = newChainId(this.options.writerId);
    this.head = { seq: 0, hash: GENESIS_HASH };
    this.sealed = 0;
    this.options.log.warn('audit chain rotated after a failed write', { from: old.chain, to: this.chainId, reason });
    if (reason === 'taken' && old.head.seq > 0) void this.seal(old.chain, old.head, true);
  }

  /** Signs and stores a checkpoint of the current head (`final`: the chain ends here), after any before it. */
  checkpoint(final: boolean): Promise<void> {
    this.checkpointing = this.checkpointing.then(() => {
      if (this.head.seq === 0 || (!final && this.head.seq <= this.sealed)) return;
      return this.seal(this.chainId, this.head, final);
    });
    return this.checkpointing;
  }

  private async seal(chain: string, head: ChainHead, final: boolean): Promise<void> {
    const checkpoint = signCheckpoint(this.options.signer, { chain, seq: head.seq, headHash: head.hash, final });
    try {
      await this.options.checkpoints.insertOne(checkpoint);
      if (chain === this.chainId) this.sealed = Math.max(this.sealed, head.seq);
    } catch (error) {
      // The entries are stored; the next checkpoint covers them instead.
      this.options.log.warn('audit checkpoint not stored', { chain, seq: head.seq, final, reason: error instanceof Error ? error.name : 'unknown' });
    }
  }

  /** Writes what is queued, then a final checkpoint: the chain is sealed to its last entry. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    while (this.draining) await this.draining;
    await this.checkpoint(true);
  }
}
