import type { Document } from 'mongodb';
import { entryId, splitPage } from './chain';
import type { ChainVerifier } from './verify';

/**
 * A stored page as verification reads it. Every field of a page but its
 * entries is derived from them; a page whose derived fields disagree with its
 * entries was edited (an entry hidden from `auditEntries(subjectId:)` by an
 * edited `subjects`, say), even when every entry still checks out.
 */

const PAGE_KEYS = ['_id', 'atIso', 'chain', 'entries', 'hashes', 'lastSeq', 'seq', 'subjects'].join();

/** A page's entries parsed, with their stored text and hash; or why the page cannot be read as one. */
export type ReadPage = { entries: Array<{ document: Record<string, unknown>; text: string; hash: unknown }> } | { problem: string };

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

const HASHES = /^(?:[0-9a-f]{64})+$/;

function parseEntry(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** Reads `page` into its entries, when it has the shape of a page. */
export function readPage(page: Document): ReadPage {
  if (Object.keys(page).sort().join() !== PAGE_KEYS) return { problem: 'its fields are not those of a page (fields were added or removed)' };
  const { entries, hashes, subjects } = page;
  if (typeof entries !== 'string' || typeof hashes !== 'string' || !HASHES.test(hashes) || !isStringArray(subjects))
    return { problem: 'its entries, hashes or subjects are not of the form a page has' };
  const split = splitPage({ entries, hashes });
  if (split.hashes.length !== split.texts.length || subjects.length !== split.texts.length) return { problem: 'it holds different numbers of entries, hashes and subjects' };
  const parsed = split.texts.map(parseEntry);
  const broken = parsed.findIndex((entry) => entry === null);
  if (broken >= 0) return { problem: `its line ${broken + 1} is not an entry (not a JSON object)` };
  return { entries: parsed.map((document, index) => ({ document: document as Record<string, unknown>, text: split.texts[index] as string, hash: split.hashes[index] })) };
}

/** Whether no entry of a page stands before one with a lower seq (gaps and repeats are the chain's to name). */
export function inOrder(entries: ReadonlyArray<Record<string, unknown>>): boolean {
  return entries.every((entry, index) => index === 0 || !(Number(entry.seq) < Number(entries[index - 1]?.seq)));
}

/** Which of the page's own fields disagrees with its entries, if one does. */
export function derivedProblem(page: Document, entries: ReadonlyArray<Record<string, unknown>>): string | null {
  const first = entries[0] ?? {};
  const last = entries[entries.length - 1] ?? {};
  const expected: Record<string, unknown> = { _id: entryId(String(first.chain), Number(first.seq)), chain: first.chain, seq: first.seq, lastSeq: last.seq, atIso: last.atIso };
  for (const [field, value] of Object.entries(expected)) {
    if (page[field] !== value) return `its ${field} does not match its entries: the page was edited`;
  }
  if (entries.some((entry) => entry.chain !== page.chain)) return 'it holds entries of another chain';
  const subjects = page.subjects as string[];
  const hidden = entries.findIndex((entry, index) => entry.subjectHash !== subjects[index]);
  if (hidden >= 0) return `its subjects do not match its entries (entry ${String(entries[hidden]?._id)}): a lookup was hidden from searches by subject`;
  return null;
}

/** Feeds a stored page's entries to its chain's verifier, then checks the page's own fields against them. */
export function verifyPage(verifier: ChainVerifier, page: Document): void {
  const read = readPage(page);
  const at = `page ${String(page._id)}`;
  if ('problem' in read) return verifier.problem('changed', at, read.problem);
  const documents = read.entries.map((entry) => entry.document);
  if (!inOrder(documents)) verifier.problem('reordered', at, 'its entries stand out of order');
  // Entries taken off either end of a page leave its numbers behind: name the first one missing.
  const [first, last] = [Number(documents[0]?.seq), Number(documents.at(-1)?.seq)];
  const removed = (from: number, to: number): string => `${from === to ? `entry ${from} was` : `entries ${from}–${to} were`} removed from page ${String(page._id)}`;
  if (typeof page.seq === 'number' && page.seq < first) verifier.problem('missing', entryId(String(page.chain), page.seq), removed(page.seq, first - 1));
  if (typeof page.lastSeq === 'number' && page.lastSeq > last) verifier.problem('missing', entryId(String(page.chain), last + 1), removed(last + 1, page.lastSeq));
  for (const entry of read.entries) verifier.add({ kind: 'entry', ...entry });
  const problem = derivedProblem(page, documents);
  if (problem) verifier.problem('changed', at, problem);
}
