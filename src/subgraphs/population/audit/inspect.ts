import type { KeyObject } from 'node:crypto';
import type { Db, Document } from 'mongodb';
import { canonicalJson } from './canonical';
import { readPage, verifyPage } from './pages';
import { ChainVerifier, type ChainReport, type Problem, type TrailRecord } from './verify';

/**
 * What `npm run audit` does with the trail: verify it in the database, export
 * a period as JSON lines, and verify such an export offline with only the
 * public key. An export holds, for each chain, the period's entries whole,
 * bracketed by signed checkpoints: the last one before the period (the first
 * record links to the head it signed) and the first one after it, with the
 * entries in between outside the period given only as links (seq, prevHash,
 * hash). Every line is canonical JSON, so any
 * change to any byte of the file is caught by a hash, a link, a signature or
 * the canonical form itself.
 */

export interface TrailReport {
  chains: ChainReport[];
  /** Problems that belong to no chain: entries without chain fields, lines that do not parse. */
  strays: Problem[];
  /** How many strays there were (only the first few are kept). */
  strayCount: number;
}

/** The format of an export's lines, and its version. */
export const EXPORT_FORMAT = 'dvc-audit-export/1';
const MAX_STRAYS = 10;

function groupByChain(checkpoints: readonly Document[]): Map<string, Document[]> {
  const byChain = new Map<string, Document[]>();
  for (const checkpoint of checkpoints) {
    const chain = String(checkpoint.chain);
    byChain.set(chain, [...(byChain.get(chain) ?? []), checkpoint]);
  }
  return byChain;
}

/** Chains with checkpoints but no entries: their reports say the entries are missing. */
function orphanReports(byChain: Map<string, Document[]>, publicKeys: ReadonlyMap<string, KeyObject>): ChainReport[] {
  return [...byChain].map(([chain, checkpoints]) => new ChainVerifier(chain, checkpoints, publicKeys, 'genesis').finish());
}

function stray(report: TrailReport, problem: Problem): void {
  report.strayCount += 1;
  if (report.strays.length < MAX_STRAYS) report.strays.push(problem);
}

/** Verifies every chain in the database, reading its pages in seq order (one pass over the trail). */
export async function verifyDatabase(db: Db, publicKeys: ReadonlyMap<string, KeyObject>): Promise<TrailReport> {
  const byChain = groupByChain(await db.collection('audit_checkpoints').find({}).toArray());
  const report: TrailReport = { chains: [], strays: [], strayCount: 0 };
  let verifier = null as ChainVerifier | null;
  for await (const page of db.collection('audit_log').find({}, { sort: { chain: 1, seq: 1 } })) {
    if (typeof page.chain !== 'string') {
      stray(report, { kind: 'inserted', at: String(page._id), detail: 'it belongs to no chain: it was not written by an audit writer (or before the trail was chained)' });
      continue;
    }
    if (verifier?.chain !== page.chain) {
      if (verifier) report.chains.push(verifier.finish());
      verifier = new ChainVerifier(page.chain, byChain.get(page.chain) ?? [], publicKeys, 'genesis');
      byChain.delete(page.chain);
    }
    verifyPage(verifier, page);
  }
  if (verifier) report.chains.push(verifier.finish());
  report.chains.push(...orphanReports(byChain, publicKeys));
  return report;
}

/** The entries of the pages of `chain` that hold seq `from` to `to`, in order (pages that cannot be read are skipped: verify names them). */
async function* chainEntries(db: Db, chain: string, from: number, to: number): AsyncGenerator<{ document: Record<string, unknown>; hash: string }> {
  for await (const page of db.collection('audit_log').find({ chain, lastSeq: { $gte: from }, seq: { $lte: to } }, { sort: { seq: 1 } })) {
    const read = readPage(page);
    if ('problem' in read) continue;
    for (const { document, hash } of read.entries) {
      const seq = Number(document.seq);
      if (seq >= from && seq <= to) yield { document, hash: String(hash) };
    }
  }
}

/**
 * Seq ranges per chain of the entries written in [from, to). Within a chain
 * entries are timed in the order they are numbered, so the period's pages run
 * from the first whose last entry is in it to the first that ends after it.
 */
async function periodRanges(db: Db, from: Date, to: Date): Promise<Map<string, { first: number; last: number }>> {
  const [start, end] = [from.toISOString(), to.toISOString()];
  const spans = new Map<string, { seq: number; lastSeq: number; done: boolean }>();
  for await (const page of db.collection('audit_log').find({ atIso: { $gte: start } }, { sort: { chain: 1, seq: 1 }, projection: { chain: 1, seq: 1, lastSeq: 1, atIso: 1 } })) {
    if (typeof page.chain !== 'string') continue;
    const span = spans.get(page.chain);
    if (span?.done) continue;
    spans.set(page.chain, { seq: span?.seq ?? Number(page.seq), lastSeq: Number(page.lastSeq), done: String(page.atIso) >= end });
  }
  const ranges = new Map<string, { first: number; last: number }>();
  for (const [chain, span] of spans) {
    for await (const { document } of chainEntries(db, chain, span.seq, span.lastSeq)) {
      const atIso = String(document.atIso);
      if (atIso < start || atIso >= end) continue;
      const seq = Number(document.seq);
      const range = ranges.get(chain);
      ranges.set(chain, { first: Math.min(range?.first ?? seq, seq), last: Math.max(range?.last ?? seq, seq) });
    }
  }
  return ranges;
}

/** One chain's section of an export: checkpoints, then its records from the anchoring checkpoint (or seq 1) to the sealing one. */
async function* chainSection(db: Db, chain: string, range: { first: number; last: number }): AsyncGenerator<string> {
  const checkpoints = await db
    .collection('audit_checkpoints')
    .find({ chain }, { sort: { seq: 1 } })
    .toArray();
  const before = checkpoints.filter((c) => typeof c.seq === 'number' && c.seq < range.first).at(-1)?.seq as number | undefined;
  const after = checkpoints.find((c) => typeof c.seq === 'number' && c.seq >= range.last)?.seq as number | undefined;
  // The section starts after the anchoring checkpoint, whose signed head the first record's prevHash must be.
  const from = (before ?? 0) + 1;
  const to = after ?? range.last;
  for (const checkpoint of checkpoints) if (checkpoint.seq >= from - 1 && checkpoint.seq <= to) yield canonicalJson({ type: 'checkpoint', checkpoint });
  for await (const { document, hash } of chainEntries(db, chain, from, to)) {
    const seq = Number(document.seq);
    const inPeriod = seq >= range.first && seq <= range.last;
    yield canonicalJson(inPeriod ? { type: 'entry', entry: { ...document, hash } } : { type: 'link', chain, seq, prevHash: document.prevHash, hash });
  }
}

/** The entries and checkpoints of [from, to) as JSON lines (without newlines), chain by chain. */
export async function* exportPeriod(db: Db, from: Date, to: Date): AsyncGenerator<string> {
  yield canonicalJson({ type: 'export', format: EXPORT_FORMAT });
  const ranges = await periodRanges(db, from, to);
  for (const chain of [...ranges.keys()].sort()) yield* chainSection(db, chain, ranges.get(chain) as { first: number; last: number });
}

type ExportLine = { type: 'checkpoint'; checkpoint: Record<string, unknown> } | { type: 'record'; chain: string; seq: number; record: TrailRecord };

/** One line of an export, or the problem with it. */
function parseLine(line: string, number: number): ExportLine | Problem | null {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { kind: 'changed', at: `line ${number}`, detail: 'it is not valid JSON' };
  }
  const canonical = (() => {
    try {
      return canonicalJson(value) === line;
    } catch {
      return false;
    }
  })();
  const v = value as Record<string, unknown>;
  if (!canonical || typeof v !== 'object' || v === null) return { kind: 'changed', at: `line ${number}`, detail: 'it is not in the canonical form the export writes' };
  if (v.type === 'export' && v.format === EXPORT_FORMAT && Object.keys(v).length === 2 && number === 1) return null;
  if (v.type === 'checkpoint' && typeof v.checkpoint === 'object' && v.checkpoint !== null && Object.keys(v).length === 2)
    return { type: 'checkpoint', checkpoint: v.checkpoint as Record<string, unknown> };
  if (v.type === 'entry' && typeof v.entry === 'object' && v.entry !== null && Object.keys(v).length === 2) {
    const { hash, ...document } = v.entry as Record<string, unknown>;
    return { type: 'record', chain: String(document.chain), seq: Number(document.seq), record: { kind: 'entry', document, hash } };
  }
  if (
    v.type === 'link' &&
    typeof v.chain === 'string' &&
    typeof v.seq === 'number' &&
    typeof v.prevHash === 'string' &&
    typeof v.hash === 'string' &&
    Object.keys(v).length === 5
  ) {
    return { type: 'record', chain: v.chain, seq: v.seq, record: { kind: 'link', chain: v.chain, seq: v.seq, prevHash: v.prevHash, hash: v.hash } };
  }
  return { kind: 'changed', at: `line ${number}`, detail: number === 1 ? `it is not the header of a ${EXPORT_FORMAT} file` : 'it is neither an entry, a link nor a checkpoint' };
}

/** Verifies an export offline: only its lines and the public keys. */
export async function verifyExport(lines: AsyncIterable<string>, publicKeys: ReadonlyMap<string, KeyObject>): Promise<TrailReport> {
  const report: TrailReport = { chains: [], strays: [], strayCount: 0 };
  const records = new Map<string, Array<{ seq: number; record: TrailRecord }>>();
  const checkpoints: Document[] = [];
  let number = 0;
  let header = false;
  for await (const line of lines) {
    number += 1;
    const parsed = parseLine(line, number);
    if (parsed === null) {
      header = true;
      continue;
    }
    if ('kind' in parsed) stray(report, parsed);
    else if (parsed.type === 'checkpoint') checkpoints.push(parsed.checkpoint);
    else records.set(parsed.chain, [...(records.get(parsed.chain) ?? []), { seq: parsed.seq, record: parsed.record }]);
  }
  if (!header) stray(report, { kind: 'missing', at: 'line 1', detail: `the ${EXPORT_FORMAT} header is missing` });
  const byChain = groupByChain(checkpoints);
  for (const chain of [...records.keys()].sort()) {
    const verifier = new ChainVerifier(chain, byChain.get(chain) ?? [], publicKeys, 'genesis-or-checkpoint');
    byChain.delete(chain);
    for (const { record } of (records.get(chain) ?? []).sort((a, b) => a.seq - b.seq)) verifier.add(record);
    report.chains.push(verifier.finish());
  }
  report.chains.push(...orphanReports(byChain, publicKeys));
  return report;
}

/** The first problem of the report, if any: what `verify` names when it exits 1. */
export function firstProblem(report: TrailReport): Problem | null {
  return report.strays[0] ?? report.chains.find((chain) => chain.problem)?.problem ?? null;
}
