import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { Db } from 'mongodb';
import { runAudit } from '../../src/scripts/audit';
import { ErrorCode } from '../../src/platform/errors';
import { sampleCitizenIds } from '../../src/stubs/population/generator';
import { auditCollection, checkpointCollection, type AuditEntryDocument } from '../../src/subgraphs/population/audit/audit-log';
import { canonicalJson } from '../../src/subgraphs/population/audit/canonical';
import { linkEntries, pageOf, sha256, splitPage, type AuditPageDocument } from '../../src/subgraphs/population/audit/chain';
import { entriesOfPage } from '../../src/subgraphs/population/audit/read';
import { signerFrom } from '../../src/subgraphs/population/audit/checkpoint';
import { verifyExport } from '../../src/subgraphs/population/audit/inspect';
import { openTestDatabase, type TestDatabase } from '../support/database';
import { bearer, startTestStack, type GraphQLResponse, type TestStack } from '../support/stack';

/**
 * The audit trail as evidence: lookups through the gateway write each
 * writer's hash chain and signed checkpoints to the real database; then the
 * trail is tampered with directly in the database, as someone with write
 * access could, and `npm run audit -- verify` must fail and name what was
 * done. Exports are checked offline with the public key alone.
 */

const LONG = 180_000;
const keyDir = mkdtempSync(join(tmpdir(), 'dvc-audit-trail-'));
const signingKey = generateKeyPairSync('ed25519');
const KEY_FILE = join(keyDir, 'audit-signing.pem');
const PUBLIC_FILE = join(keyDir, 'audit-public.pem');
writeFileSync(KEY_FILE, signingKey.privateKey.export({ type: 'pkcs8', format: 'pem' }));
writeFileSync(PUBLIC_FILE, signingKey.publicKey.export({ type: 'spki', format: 'pem' }));
const publicKeys = new Map([[signerFrom(signingKey.privateKey).publicKeyId, signingKey.publicKey]]);

const CITIZENS = 'query ($ids: [ID!]!, $purpose: LookupPurpose!) { citizens(ids: $ids, purpose: $purpose) { id fullName } }';

interface CliResult {
  code: number;
  out: string;
  err: string;
}

function sink(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  return { stream: new Writable({ write: (chunk: Buffer, _encoding, done) => (chunks.push(chunk.toString('utf8')), done()) }), text: () => chunks.join('') };
}

/** `npm run audit -- <args>` against `database`, in this process. */
async function audit(database: TestDatabase, ...args: string[]): Promise<CliResult> {
  const out = sink();
  const err = sink();
  const code = await runAudit(args, { MONGODB_URI: database.uri, MONGODB_DB: database.name, AUDIT_SIGNING_KEY: KEY_FILE }, { out: out.stream, err: err.stream });
  return { code, out: out.text(), err: err.text() };
}

/** The stack's settings: our signing key, small checkpoint intervals, a named writer, no catalogue seed. */
function stackEnv(writer: string, extra: Record<string, string> = {}): Record<string, string> {
  return { AUDIT_SIGNING_KEY: KEY_FILE, AUDIT_WRITER_ID: writer, AUDIT_CHECKPOINT_ENTRIES: '25', SEED_ON_START: 'false', ...extra };
}

async function lookup(t: TestStack, key: string, ids: string[], purpose = 'IDENTITY'): Promise<{ status: number; requestId: string | null; errors: unknown[] | undefined }> {
  const response = await t.graphql(CITIZENS, { ids, purpose }, bearer(key));
  return { status: response.status, requestId: response.headers.get('x-request-id'), errors: response.body.errors };
}

/** Every entry of `chain`, parsed out of its pages, in order. */
async function chainOf(db: Db, chain: string): Promise<AuditEntryDocument[]> {
  return (await auditCollection(db).find({ chain }).sort({ seq: 1 }).toArray()).flatMap(entriesOfPage);
}

/** The stored page that holds entry `seq` of `chain`, and the entry's position in it. */
async function pageHolding(db: Db, chain: string, seq: number): Promise<{ page: AuditPageDocument; index: number }> {
  const page = await auditCollection(db).findOne({ chain, seq: { $lte: seq }, lastSeq: { $gte: seq } });
  if (!page) throw new Error(`no page holds ${chain}:${seq}`);
  return { page, index: seq - page.seq };
}

/** A page's entry texts and hashes as lists, to edit as a forger would. */
function lines(page: AuditPageDocument): { texts: string[]; hashes: string[] } {
  return splitPage(page);
}

/** The stored form of edited lists. */
function stored(texts: string[], hashes: string[]): Pick<AuditPageDocument, 'entries' | 'hashes'> {
  return { entries: texts.join('\n'), hashes: hashes.join('') };
}

/** An entry's content, without its place in a chain. */
function stripChain(entry: AuditEntryDocument): Record<string, unknown> {
  const { _id, chain: _c, seq: _s, prevHash: _p, hash: _h, ...content } = entry;
  return content;
}

/**
 * Rewrites entry `seq` in its page as someone with write access could: the
 * stored text (canonical, as the writer writes it), and with `rehash` the
 * stored hash too. Returns what undoes it.
 */
async function editEntry(db: Db, chain: string, seq: number, change: (entry: Record<string, unknown>) => Record<string, unknown>, rehash = false): Promise<() => Promise<unknown>> {
  const { page, index } = await pageHolding(db, chain, seq);
  const { hash: _hash, ...entry } = entriesOfPage(page)[index] as AuditEntryDocument;
  const text = canonicalJson(change(entry));
  const { texts, hashes } = lines(page);
  texts[index] = text;
  if (rehash) hashes[index] = sha256(text);
  await auditCollection(db).updateOne({ _id: page._id }, { $set: stored(texts, hashes) });
  return () => auditCollection(db).replaceOne({ _id: page._id }, page);
}

describe('the audit trail: one writer, then tampered with in the database', () => {
  let database: TestDatabase;
  let chain = '';
  const period = { from: '', to: '' };

  beforeAll(async () => {
    database = await openTestDatabase('audit');
    const t = await startTestStack({ database, env: stackEnv('writer-a') });
    try {
      const officer = await t.key('officer');
      const narrow = await t.key('officer', { name: 'Cổng cư trú', purposes: ['RESIDENCE_VERIFICATION'], fields: ['fullName'] });
      const pause = () => new Promise((resolve) => setTimeout(resolve, 20));
      expect((await lookup(t, officer, sampleCitizenIds(30, 101))).errors).toBeUndefined();
      await pause();
      period.from = new Date().toISOString();
      await pause();
      expect((await lookup(t, officer, sampleCitizenIds(25, 102))).errors).toBeUndefined();
      // Refused for its purpose, and recorded as such.
      const refused = await lookup(t, narrow, sampleCitizenIds(5, 103), 'CIVIL_STATUS');
      expect((refused.errors as Array<{ extensions: { code: string } }>)?.[0]?.extensions.code).toBe(ErrorCode.FORBIDDEN);
      await pause();
      period.to = new Date().toISOString();
      await pause();
      expect((await lookup(t, narrow, sampleCitizenIds(30, 104), 'RESIDENCE_VERIFICATION')).errors).toBeUndefined();
      [chain = ''] = await auditCollection(database.db).distinct('chain');
    } finally {
      // Closing the subgraph seals the chain with a final checkpoint.
      await t.close();
    }
  }, LONG);
  afterAll(() => database.drop());

  it('holds every lookup as a link of the writer chain, sealed by signed checkpoints, and verifies end to end', async () => {
    const entries = await chainOf(database.db, chain);
    expect(chain).toMatch(/^writer-a-\d{8}T\d{6}Z-[0-9a-f]{8}$/);
    expect(entries.map((e) => e.seq)).toEqual(Array.from({ length: 90 }, (_, i) => i + 1));
    expect(entries.every((e, i) => e._id === `${chain}:${i + 1}` && e.prevHash === (i === 0 ? '0'.repeat(64) : entries[i - 1]?.hash))).toBe(true);
    // One page per append: the four lookups (and the refusal) are five pages, each holding its entries as stored text.
    const pages = await auditCollection(database.db).find({ chain }).sort({ seq: 1 }).toArray();
    expect(pages.map((p) => [p.seq, p.lastSeq])).toEqual([
      [1, 30],
      [31, 55],
      [56, 60],
      [61, 90],
    ]);
    expect(pages.every((p) => lines(p).texts.every((text, i) => sha256(text) === lines(p).hashes[i]))).toBe(true);
    expect(entries.filter((e) => e.outcome === 'REFUSED').map((e) => [e.purpose, e.callerName, e.fields])).toEqual(Array(5).fill(['CIVIL_STATUS', 'Cổng cư trú', []]));
    expect(new Set(entries.filter((e) => e.purpose === 'RESIDENCE_VERIFICATION' && e.outcome === 'FOUND').map((e) => e.fields.join(',')))).toEqual(new Set(['fullName']));
    const checkpoints = await checkpointCollection(database.db).find({ chain }).sort({ seq: 1 }).toArray();
    // Every 25 entries or more, after the write that reached them; the final one when the subgraph stopped.
    expect(checkpoints.map((c) => [c.seq, c.final])).toEqual([
      [30, false],
      [55, false],
      [90, false],
      [90, true],
    ]);
    const result = await audit(database, 'verify');
    expect(result.code).toBe(0);
    expect(result.out).toContain('Audit trail: 1 chain, 90 entries, 4 checkpoints');
    expect(result.out).toContain(`${chain}  seq 1–90  sealed to its end, closed by its writer`);
    expect(result.out).toContain('Verified: every entry matches its hash');
  });

  it(
    'lists entries newest first through auditEntries, page after page, cursors falling inside stored pages',
    async () => {
      const reader = await startTestStack({ database, env: stackEnv('reader') });
      try {
        const auditor = await reader.key('auditor');
        type Listing = {
          auditEntries: {
            totalCount: number;
            nodes: Array<{ id: string; chain: string; seq: number; purpose: string }>;
            pageInfo: { hasNextPage: boolean; endCursor: string | null };
          };
        };
        const query =
          'query ($after: String, $subject: ID) { auditEntries(first: 7, after: $after, subjectId: $subject) { totalCount nodes { id chain seq purpose } pageInfo { hasNextPage endCursor } } }';
        const seen: Listing['auditEntries']['nodes'] = [];
        let after: string | null = null;
        for (let page = 0; page < 20; page += 1) {
          const response: GraphQLResponse<Listing> = await reader.graphql<Listing>(query, { after }, bearer(auditor));
          expect(response.body.errors).toBeUndefined();
          const listing: Listing['auditEntries'] | undefined = response.body.data?.auditEntries;
          expect(listing?.totalCount).toBe(90);
          seen.push(...(listing?.nodes ?? []));
          after = listing?.pageInfo.endCursor ?? null;
          if (!listing?.pageInfo.hasNextPage) break;
        }
        expect(seen.map((node) => node.seq)).toEqual(Array.from({ length: 90 }, (_, i) => 90 - i));
        expect(seen.every((node) => node.chain === chain && node.id === `${chain}:${node.seq}`)).toBe(true);
        // One citizen's lookups, found by the keyed hash of the ID: the fourth of the second lookup.
        const one = await reader.graphql<Listing>(query, { subject: sampleCitizenIds(25, 102)[3] }, bearer(auditor));
        expect(one.body.data?.auditEntries).toMatchObject({ totalCount: 1, nodes: [{ seq: 34, purpose: 'IDENTITY' }] });
      } finally {
        await reader.close();
      }
    },
    LONG,
  );

  /** Applies `tamper`, expects verify to fail naming `at` and `kind`, undoes it, and expects verify to pass again. */
  async function expectDetected(tamper: () => Promise<() => Promise<unknown>>, at: string, kind: string): Promise<string> {
    const undo = await tamper();
    const broken = await audit(database, 'verify');
    await undo();
    expect(broken.code).toBe(1);
    const first = broken.out.split('\n').find((line) => line.startsWith('BROKEN')) ?? '';
    expect(first).toContain(`BROKEN ${at} — ${kind}:`);
    expect((await audit(database, 'verify')).code).toBe(0);
    return first;
  }

  it('names one field of one entry changed', async () => {
    const [original] = (await chainOf(database.db, chain)).filter((e) => e.seq === 42);
    const other = original?.outcome === 'FOUND' ? 'NOT_FOUND' : 'FOUND';
    const line = await expectDetected(() => editEntry(database.db, chain, 42, (entry) => ({ ...entry, outcome: other })), `${chain}:42`, 'changed');
    expect(line).toContain('does not match its hash');
    // The same edit with the hash recomputed (the method is public): the next entry no longer links to it.
    await expectDetected(() => editEntry(database.db, chain, 42, (entry) => ({ ...entry, outcome: other }), true), `${chain}:43`, 'inserted');
    // An edit that keeps the content but not the stored form is an edit too.
    const { page, index } = await pageHolding(database.db, chain, 42);
    await expectDetected(
      async () => {
        const { texts, hashes } = lines(page);
        texts[index] = JSON.stringify(JSON.parse(texts[index] as string), null, 1).replace(/\n/g, ' ');
        await auditCollection(database.db).updateOne({ _id: page._id }, { $set: stored(texts, hashes) });
        return () => auditCollection(database.db).replaceOne({ _id: page._id }, page);
      },
      `${chain}:42`,
      'changed',
    );
    // And one that hides the entry from searches by subject, leaving the entry itself intact.
    const hide = await expectDetected(
      async () => {
        await auditCollection(database.db).updateOne({ _id: page._id }, { $set: { [`subjects.${index}`]: 'f'.repeat(64) } });
        return () => auditCollection(database.db).replaceOne({ _id: page._id }, page);
      },
      `page ${page._id}`,
      'changed',
    );
    expect(hide).toContain('hidden from searches by subject');
  });

  it('names an entry deleted', async () => {
    /** Takes entry `seq` out of its page; `tidy` also mends the page's own fields, as a careful forger would. */
    const removeEntry = async (seq: number, tidy = false): Promise<() => Promise<unknown>> => {
      const { page, index } = await pageHolding(database.db, chain, seq);
      const without = <T>(list: T[]): T[] => list.filter((_, i) => i !== index);
      const texts = without(lines(page).texts);
      const mended = tidy ? { lastSeq: page.lastSeq - 1, atIso: (JSON.parse(texts.at(-1) as string) as { atIso: string }).atIso } : {};
      await auditCollection(database.db).updateOne({ _id: page._id }, { $set: { ...stored(texts, without(lines(page).hashes)), subjects: without(page.subjects), ...mended } });
      return () => auditCollection(database.db).replaceOne({ _id: page._id }, page);
    };
    await expectDetected(() => removeEntry(17), `${chain}:17`, 'missing');
    expect(await expectDetected(() => removeEntry(90), `${chain}:90`, 'missing')).toContain('entry 90 was removed from page');
    // The last entry, with its page mended so that nothing in the database points to it: the final checkpoint signed it.
    expect(await expectDetected(() => removeEntry(90, true), `${chain}:90`, 'missing')).toContain('checkpoint at seq 90');
    // And a whole page.
    const { page } = await pageHolding(database.db, chain, 56);
    await expectDetected(
      async () => {
        await auditCollection(database.db).deleteOne({ _id: page._id });
        return () => auditCollection(database.db).insertOne(page);
      },
      `${chain}:56`,
      'missing',
    );
  });

  it('names a forged entry inserted, in the chain or outside any chain', async () => {
    const entries = await chainOf(database.db, chain);
    const last = entries[89] as AuditEntryDocument;
    // Made the way the writer makes pages, linked to the real head: but the chain was closed there.
    const forged = pageOf(
      chain,
      linkEntries(chain, { seq: 90, hash: last.hash as string }, [{ ...stripChain(last), requestId: 'forged-request', outcome: 'NOT_FOUND' } as AuditEntryDocument]),
    );
    await expectDetected(
      async () => {
        await auditCollection(database.db).insertOne(forged);
        return () => auditCollection(database.db).deleteOne({ _id: forged._id });
      },
      `${chain}:91`,
      'inserted',
    );
    // A second entry 42, added to its page.
    const { page, index } = await pageHolding(database.db, chain, 42);
    const twin = canonicalJson({ ...JSON.parse(lines(page).texts[index] as string), requestId: 'forged-request' });
    const insertAt = <T>(list: T[], item: T): T[] => [...list.slice(0, index + 1), item, ...list.slice(index + 1)];
    await expectDetected(
      async () => {
        await auditCollection(database.db).updateOne(
          { _id: page._id },
          { $set: { ...stored(insertAt(lines(page).texts, twin), insertAt(lines(page).hashes, sha256(twin))), subjects: insertAt(page.subjects, page.subjects[index] as string) } },
        );
        return () => auditCollection(database.db).replaceOne({ _id: page._id }, page);
      },
      `${chain}:42`,
      'inserted',
    );
    // An entry in no chain at all, shaped like those written before the trail was chained.
    await expectDetected(
      async () => {
        await auditCollection(database.db).insertOne({ ...stripChain(last), at: new Date(last.atIso), _id: 'forged-without-chain' } as never);
        return () => auditCollection(database.db).deleteOne({ _id: 'forged-without-chain' });
      },
      'forged-without-chain',
      'inserted',
    );
  });

  it('names two entries swapped', async () => {
    // Entries 20 and 21 exchange their places in the chain (each keeps its hash), as a reordering of events would.
    const [a, b] = (await chainOf(database.db, chain)).filter((e) => e.seq === 20 || e.seq === 21) as [AuditEntryDocument, AuditEntryDocument];
    const { page, index } = await pageHolding(database.db, chain, 20);
    const line = await expectDetected(
      async () => {
        const { hash: _ha, ...contentA } = a;
        const { hash: _hb, ...contentB } = b;
        const { texts, hashes } = lines(page);
        texts[index] = canonicalJson({ ...contentB, _id: `${chain}:20`, seq: 20 });
        texts[index + 1] = canonicalJson({ ...contentA, _id: `${chain}:21`, seq: 21 });
        [hashes[index], hashes[index + 1]] = [b.hash as string, a.hash as string];
        await auditCollection(database.db).updateOne(
          { _id: page._id },
          { $set: { ...stored(texts, hashes), subjects: [...page.subjects.slice(0, index), b.subjectHash, a.subjectHash, ...page.subjects.slice(index + 2)] } },
        );
        return () => auditCollection(database.db).replaceOne({ _id: page._id }, page);
      },
      `${chain}:20`,
      'reordered',
    );
    expect(line).toContain('written as seq 21');
    // Only their order in the page changed: that is an edit too.
    await expectDetected(
      async () => {
        const swap = <T>(list: T[]): T[] => [...list.slice(0, index), list[index + 1] as T, list[index] as T, ...list.slice(index + 2)];
        await auditCollection(database.db).updateOne({ _id: page._id }, { $set: { ...stored(swap(lines(page).texts), swap(lines(page).hashes)), subjects: swap(page.subjects) } });
        return () => auditCollection(database.db).replaceOne({ _id: page._id }, page);
      },
      `page ${page._id}`,
      'reordered',
    );
  });

  it('names a checkpoint altered', async () => {
    const checkpoints = checkpointCollection(database.db);
    const checkpoint = await checkpoints.findOne({ chain, seq: 55 });
    const line = await expectDetected(
      async () => {
        await checkpoints.updateOne({ _id: checkpoint?._id }, { $set: { atIso: '2020-01-01T00:00:00.000Z' } });
        return () => checkpoints.updateOne({ _id: checkpoint?._id }, { $set: { atIso: checkpoint?.atIso } });
      },
      `checkpoint ${checkpoint?._id}`,
      'bad-signature',
    );
    expect(line).toContain('altered');
  });

  it(
    'exports a period that verifies offline with the public key alone, and fails after any one-byte change',
    async () => {
      const file = join(keyDir, 'period.jsonl');
      const exported = await audit(database, 'export', '--from', period.from, '--to', period.to, '--out', file);
      expect(exported.code).toBe(0);
      const text = readFileSync(file, 'utf8');
      const lines = text.trimEnd().split('\n');
      const types = lines.map((line) => (JSON.parse(line) as { type: string }).type);
      // The period's 30 entries (seq 31–60) whole, bracketed by the checkpoints before (30: the first entry
      // links to the head it signed) and after it (90), with the entries up to it as links only.
      expect(types.filter((type) => type === 'entry')).toHaveLength(30);
      expect(types[0]).toBe('export');
      expect(lines.filter((line) => line.includes('"type":"link"')).map((line) => (JSON.parse(line) as { seq: number }).seq)).toEqual(Array.from({ length: 30 }, (_, i) => 61 + i));
      expect(lines.filter((line) => line.includes('"type":"checkpoint"')).map((line) => (JSON.parse(line) as { checkpoint: { seq: number } }).checkpoint.seq)).toEqual([
        30, 55, 90, 90,
      ]);
      for (const id of sampleCitizenIds(25, 102)) expect(text).not.toContain(id);

      const offline = await runAudit(['verify', '--file', file, '--public-key', PUBLIC_FILE], {}, { out: sink().stream, err: sink().stream });
      expect(offline).toBe(0);
      const otherKey = join(keyDir, 'other-public.pem');
      writeFileSync(otherKey, generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }));
      const out = sink();
      expect(await runAudit(['verify', '--file', file, '--public-key', otherKey], {}, { out: out.stream, err: sink().stream })).toBe(1);
      expect(out.text()).toContain('bad-signature');

      const changed = Buffer.from(text);
      changed[text.indexOf('"outcome":"FOUND"') + 12] = 'f'.charCodeAt(0);
      writeFileSync(file, changed);
      const broken = sink();
      expect(await runAudit(['verify', '--file', file, '--public-key', PUBLIC_FILE], {}, { out: broken.stream, err: sink().stream })).toBe(1);
      expect(broken.text()).toMatch(/BROKEN .+ — changed: its content does not match its hash/);

      // One byte at a time: every byte of the header, of the first checkpoint and of the first link (the
      // records that hold no entry), and a stride through the whole file.
      const bytes = Buffer.from(text);
      const lineOf = (type: string) => {
        const start = text.indexOf(`"type":"${type}"`) === -1 ? 0 : text.lastIndexOf('\n', text.indexOf(`"type":"${type}"`)) + 1;
        return Array.from({ length: text.indexOf('\n', start) - start }, (_, i) => Buffer.byteLength(text.slice(0, start)) + i);
      };
      const positions = [
        ...new Set([...lineOf('export'), ...lineOf('checkpoint'), ...lineOf('link'), bytes.length - 2, ...Array.from({ length: Math.floor(bytes.length / 23) }, (_, i) => i * 23)]),
      ];
      let undetected: number[] = [];
      for (const position of positions) {
        const copy = Buffer.from(bytes);
        copy[position] = (copy[position] as number) ^ 0x01;
        const report = await verifyExport(linesOf(copy.toString('utf8')), publicKeys);
        if (!report.strays.length && report.chains.every((c) => !c.problem)) undetected = [...undetected, position];
      }
      expect(positions.length).toBeGreaterThan(1000);
      expect(undetected).toEqual([]);
    },
    LONG,
  );
});

/** The lines of a text, as `verify --file` reads them. */
async function* linesOf(text: string): AsyncGenerator<string> {
  yield* text.replace(/\n$/, '').split('\n');
}

describe('the audit trail: a failed write, and a forged append to a running chain', () => {
  let database: TestDatabase;
  let t: TestStack;
  let officer = '';
  beforeAll(async () => {
    database = await openTestDatabase('audit_fail');
    t = await startTestStack({ database, env: stackEnv('writer-f') });
    officer = await t.key('officer');
  }, LONG);
  afterAll(async () => {
    await t.close();
    await database.drop();
  });

  it(
    'stores nothing of a page the database refuses, withholds its data, and links the next page to what was stored',
    async () => {
      expect((await lookup(t, officer, sampleCitizenIds(4, 201))).errors).toBeUndefined();
      const ids = sampleCitizenIds(6, 202);
      const pages = auditCollection(database.db);
      // A real refusal: a unique index that the page recording this lookup (entries 5–10) collides with.
      const [chain = ''] = await pages.distinct('chain');
      await pages.createIndex({ chain: 1, lastSeq: 1 }, { unique: true, name: 'test_blocks_page' });
      await pages.insertOne({ _id: 'test-blocker', chain, lastSeq: 10 } as never);
      let failed: Awaited<ReturnType<typeof lookup>>;
      try {
        failed = await lookup(t, officer, ids);
      } finally {
        await pages.deleteOne({ _id: 'test-blocker' });
        await pages.dropIndex('test_blocks_page');
      }
      expect((failed.errors as Array<{ extensions: { code: string } }>).map((e) => e.extensions.code)).toEqual(Array(6).fill(ErrorCode.AUDIT_UNAVAILABLE));
      expect((await lookup(t, officer, sampleCitizenIds(3, 203))).errors).toBeUndefined();

      const chains = await pages.distinct('chain');
      expect(chains).toHaveLength(1); // a refusal is no reason for a new chain
      const stored = await chainOf(database.db, chains[0] as string);
      // The first lookup's 4 entries, then the next lookup's 3, numbered and linked as if the refused page had never been.
      expect(stored.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
      expect(new Set(stored.map((e) => e.requestId)).has(failed.requestId as string)).toBe(false);
      expect(stored[4]?.prevHash).toBe(stored[3]?.hash);
      expect((await audit(database, 'verify')).code).toBe(0);
    },
    LONG,
  );

  it(
    'exposes a forged entry appended to a running chain: the writer seals its chain and continues on a new one',
    async () => {
      const pages = auditCollection(database.db);
      const [chain = ''] = await pages.distinct('chain');
      const head = (await chainOf(database.db, chain)).at(-1) as AuditEntryDocument;
      // Linked and paged exactly as the writer would store its next entry: without the signing key, still caught.
      const forged = pageOf(
        chain,
        linkEntries(chain, { seq: head.seq as number, hash: head.hash as string }, [{ ...stripChain(head), requestId: 'forged-request' } as AuditEntryDocument]),
      );
      await pages.insertOne(forged);
      const refused = await lookup(t, officer, sampleCitizenIds(2, 204));
      expect((refused.errors as Array<{ extensions: { code: string } }>).map((e) => e.extensions.code)).toEqual([ErrorCode.AUDIT_UNAVAILABLE, ErrorCode.AUDIT_UNAVAILABLE]);
      expect((await lookup(t, officer, sampleCitizenIds(2, 205))).errors).toBeUndefined();
      await new Promise((resolve) => setTimeout(resolve, 200)); // the seal of the old chain is written beside the lookups

      expect(await pages.distinct('chain')).toHaveLength(2);
      const sealed = await checkpointCollection(database.db).findOne({ chain, final: true });
      expect(sealed).toMatchObject({ seq: head.seq, headHash: head.hash });
      const result = await audit(database, 'verify');
      expect(result.code).toBe(1);
      expect(result.out).toContain(`BROKEN ${chain}:${(head.seq as number) + 1} — inserted: it follows the chain's final checkpoint`);
    },
    LONG,
  );
});

describe('the audit trail: concurrent writers', () => {
  it(
    'verifies a trail of several thousand entries written by two subgraphs at once, each with requests in parallel',
    async () => {
      const database = await openTestDatabase('audit_many');
      try {
        const stacks = await Promise.all(['replica-1', 'replica-2'].map((writer) => startTestStack({ database, env: stackEnv(writer, { AUDIT_CHECKPOINT_ENTRIES: '1000' }) })));
        try {
          const keys = await Promise.all(stacks.map((t) => t.key('officer')));
          let inserts = 0;
          for (const t of stacks)
            t.stack.population.database.client.on('commandStarted', (event) => void (event.commandName === 'insert' && event.command.insert === 'audit_log' && (inserts += 1)));
          const results = await Promise.all(stacks.flatMap((t, s) => [0, 1, 2, 3].map((r) => lookup(t, keys[s] as string, sampleCitizenIds(500, 300 + s * 10 + r)))));
          expect(results.map((r) => r.errors)).toEqual(Array(8).fill(undefined));
          // Group commit: the 80 upstream batches of 50 reached the database in fewer pages.
          expect(inserts).toBeGreaterThan(1);
          expect(inserts).toBeLessThan(80);
        } finally {
          for (const t of stacks) await t.close();
        }
        const result = await audit(database, 'verify');
        expect(result.code).toBe(0);
        expect(result.out).toContain('Audit trail: 2 chains, 4,000 entries');
        expect(result.out.match(/sealed to its end, closed by its writer/g)).toHaveLength(2);
        expect(result.out).toMatch(/replica-1-\d{8}T\d{6}Z-[0-9a-f]{8} {2}seq 1–2,000/);
        expect(await checkpointCollection(database.db).countDocuments()).toBeGreaterThanOrEqual(4);
      } finally {
        await database.drop();
      }
    },
    LONG,
  );
});
