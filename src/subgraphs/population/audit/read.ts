import type { Collection, Document, Filter } from 'mongodb';
import { BadUserInputError } from '../../../platform/errors';
import { decodeCursor, encodeCursor, pageSize, type Page, type PageArgs } from '../../../platform/db/paginate';
import { matchAny, readOptions } from '../../../platform/db/queries';
import type { AuditEntryDocument } from './audit-log';
import { splitPage, type AuditPageDocument } from './chain';

/**
 * Reading the trail back for `auditEntries`: entries newest first, out of the
 * pages that store them (chain.ts), and out of the documents of entries
 * written before the trail was chained (one entry each).
 */

type Stored = Document & { _id: string };

/** A page's entries, parsed, oldest first, each with its hash. */
export function entriesOfPage(page: Pick<AuditPageDocument, 'entries' | 'hashes'>): AuditEntryDocument[] {
  const { texts, hashes } = splitPage(page);
  return texts.map((text, index) => ({ ...(JSON.parse(text) as AuditEntryDocument), hash: hashes[index] }));
}

function isPage(document: Document): document is AuditPageDocument & Document {
  return typeof document.entries === 'string' && Array.isArray(document.subjects);
}

/** The positions in `document` of the entries `subjects` selects (every one when null), newest first. */
function positions(document: Document, subjects: ReadonlySet<string> | null): number[] {
  if (!isPage(document)) return subjects === null || subjects.has(String(document.subjectHash)) ? [0] : [];
  const found: number[] = [];
  for (let index = document.subjects.length - 1; index >= 0; index -= 1) {
    if (subjects === null || subjects.has(document.subjects[index] ?? '')) found.push(index);
  }
  return found;
}

/** The entry at `index` of a stored document (a page is split once, however many of its entries a page of results takes). */
function entryAt(document: Document, index: number, split: WeakMap<Document, ReturnType<typeof splitPage>>): AuditEntryDocument {
  if (!isPage(document)) return document as AuditEntryDocument;
  const parts = split.get(document) ?? splitPage(document);
  split.set(document, parts);
  return { ...(JSON.parse(parts.texts[index] ?? '{}') as AuditEntryDocument), hash: parts.hashes[index] };
}

/** A cursor: the document's time, and its `_id` with the entry's position in it. */
function decodePosition(after: string): { atIso: string; id: string; index: number } {
  const [atIso, position] = decodeCursor(after);
  const cut = position.lastIndexOf('#');
  const index = Number(position.slice(cut + 1));
  if (cut < 0 || !Number.isSafeInteger(index) || index < 0)
    throw new BadUserInputError('The cursor in `after` is not one this API issued; pass `pageInfo.endCursor` from a previous page unchanged.', 'after');
  return { atIso, id: position.slice(0, cut), index };
}

async function countEntries(collection: Collection<Stored>, filter: Filter<Stored>, subjects: ReadonlySet<string> | null): Promise<number> {
  let total = 0;
  const projection = subjects ? { subjects: 1, subjectHash: 1 } : { seq: 1, lastSeq: 1 };
  for await (const document of collection.find(filter, { ...readOptions(), projection })) {
    if (subjects) total += Array.isArray(document.subjects) ? (document.subjects as string[]).filter((subject) => subjects.has(subject)).length : 1;
    else total += typeof document.lastSeq === 'number' && typeof document.seq === 'number' ? document.lastSeq - document.seq + 1 : 1;
  }
  return total;
}

/**
 * A page of entries, newest first (by the time each page was written, then
 * by seq within it), optionally of the subjects whose hashes are given. The
 * cursor is keyset: pages written meanwhile do not shift it.
 */
export async function auditEntryPage(pages: Collection<AuditPageDocument>, subjectHashes: readonly string[] | null, args: PageArgs): Promise<Page<AuditEntryDocument>> {
  // The collection also holds the entries written before the trail was chained, one document each.
  const collection = pages as unknown as Collection<Stored>;
  const limit = pageSize(args.first, args.max);
  const subjects = subjectHashes ? new Set(subjectHashes) : null;
  const filter: Filter<Stored> = subjectHashes ? { $or: [matchAny('subjects', subjectHashes), matchAny('subjectHash', subjectHashes)] } : {};
  const from = args.after ? decodePosition(args.after) : null;
  // The cursor's own document stays in (its older entries follow), then those after it.
  const query = from ? { $and: [filter, { $or: [{ atIso: { $lt: from.atIso } }, { atIso: from.atIso, _id: { $gte: from.id } }] }] } : filter;
  const nodes: AuditEntryDocument[] = [];
  const cursors: string[] = [];
  let hasNextPage = false;
  const split = new WeakMap<Document, ReturnType<typeof splitPage>>();
  if (limit > 0) {
    const found = collection
      .find(query, readOptions())
      .sort({ atIso: -1, _id: 1 })
      .batchSize(limit + 2);
    scan: for await (const document of found) {
      for (const index of positions(document, subjects)) {
        if (from && document._id === from.id && index >= from.index) continue;
        if (nodes.length === limit) {
          hasNextPage = true;
          break scan;
        }
        nodes.push(entryAt(document, index, split));
        cursors.push(encodeCursor(String(document.atIso), `${document._id}#${index}`));
      }
    }
  }
  return { nodes, cursors, hasNextPage, hasPreviousPage: Boolean(args.after), count: () => countEntries(collection, filter, subjects) };
}
