import { randomBytes } from 'node:crypto';
import { MongoBulkWriteError, type Collection } from 'mongodb';
import type { Logger } from '../../../platform/logger';
import { GENESIS_HASH, linkEntries, type ChainHead, type ChainLink } from './chain';
import { signCheckpoint, type AuditSigner, type CheckpointDocument } from './checkpoint';

/** Entries one insert may carry: bounds the request and the work lost to one failed write. */
const MAX_ENTRIES_PER_WRITE = 2_000;

export interface ChainWriterOptions<T extends object> {
  entries: Collection<T & ChainLink & { _id: string }>;
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
 * How many of the documents of a failed ordered insert are stored, when the
 * server said so (it stops at the first failure; those before it are in);
 * undefined when the failure leaves it unknown (the connection dropped, say).
 */
export function storedPrefix(error: unknown): { stored: number; duplicate: boolean } | undefined {
  if (!(error instanceof MongoBulkWriteError)) return undefined;
  const errors = Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors];
  const first = errors[0];
  const stored = error.insertedCount;
  if (!first || typeof stored !== 'number' || first.index !== stored) return undefined;
  return { stored, duplicate: first.code === 11000 };
}

/**
 * The one writer of this process's chain. Appends are serialised through a
 * queue: while one insert is in flight, the entries of every request that
 * arrives meanwhile are linked in memory and go out together in the next
 * insert (group commit), so a lookup of 1,000 IDs costs a few inserts, not
 * twenty. The head advances only over entries the database has stored; an
 * append resolves once its own entries are stored, and rejects otherwise.
 */
export class AuditChainWriter<T extends object> {
  private chainId: string;
  private head: ChainHead = { seq: 0, hash: GENESIS_HASH };
  /** The last seq a checkpoint of the current chain covers. */
  private sealed = 0;
  private readonly queue: Array<Pending<T>> = [];
  private draining: Promise<void> | null = null;
  private checkpointing: Promise<void> = Promise.resolve();
  private readonly timer: NodeJS.Timeout;
  private closed = false;

  constructor(private readonly options: ChainWriterOptions<T>) {
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
    // One turn of the event loop first, so appends arriving together share the first insert.
    await new Promise((resolve) => setImmediate(resolve));
    while (this.queue.length > 0) {
      const group: Array<Pending<T>> = [];
      let size = 0;
      while (this.queue.length > 0 && (group.length === 0 || size + (this.queue[0]?.contents.length ?? 0) <= MAX_ENTRIES_PER_WRITE)) {
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
    const documents = linkEntries(
      chain,
      this.head,
      group.flatMap((pending) => pending.contents),
    );
    let stored = documents.length;
    let failure: unknown;
    try {
      await this.options.entries.insertMany(documents as never[], { ordered: true });
    } catch (error) {
      failure = error;
      const known = storedPrefix(error);
      stored = known?.stored ?? 0;
      // Unknown (the insert may or may not have landed), or our next number taken: continue on a new chain.
      if (!known) this.rotate('unknown', undefined);
      else if (known.duplicate && (await this.taken(documents[stored]?._id))) this.rotate('taken', documents[stored - 1]);
    }
    const last = documents[stored - 1];
    if (last && this.chainId === chain) this.head = { seq: last.seq, hash: last.hash };
    let end = 0;
    for (const pending of group) {
      end += pending.contents.length;
      if (end <= stored) pending.resolve();
      else pending.reject(failure);
    }
    if (failure) this.options.log.warn('audit entries not stored', { chain, entries: documents.length, stored, reason: failure instanceof Error ? failure.name : 'unknown' });
  }

  /**
   * Whether an entry with this `_id` is stored: after a duplicate-key refusal,
   * tells our own next number being taken (someone wrote into our chain) from
   * another unique index refusing the entry. When the database cannot say, the
   * number counts as taken.
   */
  private async taken(id: string | undefined): Promise<boolean> {
    if (id === undefined) return true;
    try {
      return (await this.options.entries.findOne({ _id: id } as never, { projection: { _id: 1 } })) !== null;
    } catch {
      return true;
    }
  }

  /**
   * Starts a new chain after a write whose outcome is unknown, or whose next
   * number is taken. The old chain is sealed at its last stored entry when
   * that is known, so nothing can follow it unnoticed; otherwise it ends
   * unsealed (verify says so).
   */
  private rotate(reason: 'taken' | 'unknown', lastStored: ChainLink | undefined): void {
    const old = { chain: this.chainId, head: lastStored ? { seq: lastStored.seq, hash: lastStored.hash } : this.head };
    const sealable = reason === 'taken' && old.head.seq > 0;
    this.chainId = newChainId(this.options.writerId);
    this.head = { seq: 0, hash: GENESIS_HASH };
    this.sealed = 0;
    this.options.log.warn('audit chain rotated after a failed write', { from: old.chain, to: this.chainId, reason });
    if (sealable) void this.seal(old.chain, old.head, true);
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
