import { createHash, generateKeyPairSync } from 'node:crypto';
import { canonicalJson, NotCanonicalError } from '../../src/subgraphs/population/audit/canonical';
import { GENESIS_HASH, hashOf, linkEntries, pageOf } from '../../src/subgraphs/population/audit/chain';
import { checkSignature, developmentSigner, signCheckpoint, signerFrom, type CheckpointDocument } from '../../src/subgraphs/population/audit/checkpoint';
import { ChainVerifier, type ChainReport, type TrailRecord } from '../../src/subgraphs/population/audit/verify';

/**
 * The audit trail's chain without a database: the canonical encoding, links,
 * signed checkpoints, and what the verifier says about each kind of tampering.
 * (test/population/audit-trail.test.ts does the same tampering in the database.)
 */

const signer = signerFrom(generateKeyPairSync('ed25519').privateKey);
const keys = new Map([[signer.publicKeyId, signer.publicKey]]);
const CHAIN = 'unit-20260101T000000Z-0123abcd';

/** Entries as an export holds them: every field, the hash among them. */
function withHashes(linked: ReadonlyArray<{ document: object; hash: string }>): Array<Record<string, unknown>> {
  return linked.map(({ document, hash }): Record<string, unknown> => ({ ...document, hash }));
}

function entries(count: number): Array<Record<string, unknown>> {
  const at = new Date('2026-01-02T03:04:05.678Z');
  const contents = Array.from({ length: count }, (_, i) => ({
    at,
    atIso: at.toISOString(),
    requestId: `r${i}`,
    correlationId: null,
    subjectHash: 'ab'.repeat(32),
    fields: ['fullName'],
    outcome: 'FOUND',
  }));
  return withHashes(linkEntries(CHAIN, { seq: 0, hash: GENESIS_HASH }, contents));
}

function checkpointAt(chain: Array<Record<string, unknown>>, seq: number, final = false): CheckpointDocument {
  return signCheckpoint(signer, { chain: CHAIN, seq, headHash: String(chain[seq - 1]?.hash), final });
}

function verify(documents: ReadonlyArray<Record<string, unknown>>, checkpoints: CheckpointDocument[] = []): ChainReport {
  const verifier = new ChainVerifier(CHAIN, checkpoints as unknown as Array<Record<string, unknown>>, keys, 'genesis');
  for (const { hash, ...document } of [...documents].sort((a, b) => Number(a.seq) - Number(b.seq))) verifier.add({ kind: 'entry', document, hash } satisfies TrailRecord);
  return verifier.finish();
}

describe('canonical encoding', () => {
  it('sorts keys at every depth, writes no whitespace, and dates as {"$date"} with milliseconds', () => {
    const value = { b: [3, { z: true, a: null }], a: 'Nguyễn "An"', d: new Date('2026-01-02T03:04:05Z'), c: -1.5 };
    expect(canonicalJson(value)).toBe('{"a":"Nguyễn \\"An\\"","b":[3,{"a":null,"z":true}],"c":-1.5,"d":{"$date":"2026-01-02T03:04:05.000Z"}}');
    // The plain-JSON form of a date (as an export holds it) encodes the same as the Date.
    expect(canonicalJson(JSON.parse(canonicalJson(value)))).toBe(canonicalJson(value));
  });

  it('orders keys by UTF-16 code units, as RFC 8785 does', () => {
    expect(canonicalJson({ '\u00e9': 1, z: 2, Z: 3, '\ud83d\ude00': 4, '\ufb01': 5 })).toBe('{"Z":3,"z":2,"é":1,"😀":4,"ﬁ":5}');
  });

  it('refuses what an entry never holds: undefined, non-finite numbers, driver objects, "$" keys, loose dates', () => {
    class ObjectId {
      constructor(readonly id = 'x') {}
    }
    for (const bad of [
      { a: undefined },
      { a: Number.NaN },
      { a: Infinity },
      { a: new ObjectId() },
      { $where: 'x' },
      { at: { $date: '2026-01-02' } },
      { a: () => 1 },
      { a: 1n },
      { at: new Date('nonsense') },
    ]) {
      expect(() => canonicalJson(bad)).toThrow(NotCanonicalError);
    }
  });
});

describe('the hash chain', () => {
  it('numbers entries from 1, links each to the hash of the one before, and hashes every other field', () => {
    const linked = linkEntries(CHAIN, { seq: 0, hash: GENESIS_HASH }, [
      { atIso: '2026-01-02T03:04:05.678Z', subjectHash: 'a' },
      { atIso: '2026-01-02T03:04:05.679Z', subjectHash: 'b' },
    ]);
    // What is stored is the canonical text itself, and the hash is of exactly those bytes.
    expect(linked[1]?.text).toBe(canonicalJson(linked[1]?.document));
    expect(linked[1]?.hash).toBe(
      createHash('sha256')
        .update(linked[1]?.text ?? '')
        .digest('hex'),
    );
    expect(pageOf(CHAIN, linked)).toEqual({
      _id: `${CHAIN}:1`,
      chain: CHAIN,
      seq: 1,
      lastSeq: 2,
      atIso: '2026-01-02T03:04:05.679Z',
      subjects: ['a', 'b'],
      hashes: linked.map((e) => e.hash).join(''),
      entries: linked.map((e) => e.text).join('\n'),
    });
    const chain = entries(3);
    expect(chain.map((e) => [e._id, e.seq])).toEqual([
      [`${CHAIN}:1`, 1],
      [`${CHAIN}:2`, 2],
      [`${CHAIN}:3`, 3],
    ]);
    expect(chain[0]?.prevHash).toBe(GENESIS_HASH);
    expect(chain[1]?.prevHash).toBe(chain[0]?.hash);
    expect(chain[2]?.prevHash).toBe(chain[1]?.hash);
    const { hash, ...content } = chain[2] as Record<string, unknown>;
    expect(hash).toBe(createHash('sha256').update(canonicalJson(content)).digest('hex'));
    expect(hashOf({ ...chain[2], outcome: 'NOT_FOUND' })).not.toBe(hash);
  });

  it('signs checkpoints with Ed25519; any change to one, or another key, fails', () => {
    const chain = entries(2);
    const checkpoint = checkpointAt(chain, 2);
    expect(checkSignature(checkpoint, keys)).toBe('valid');
    expect(checkSignature({ ...checkpoint, seq: 1 }, keys)).toBe('invalid');
    expect(checkSignature({ ...checkpoint, headHash: chain[0]?.hash }, keys)).toBe('invalid');
    expect(checkSignature({ ...checkpoint, final: true }, keys)).toBe('invalid');
    // The same signature bytes spelled differently in base64 are refused too.
    expect(checkSignature({ ...checkpoint, signature: `${checkpoint.signature.slice(0, -3)}${checkpoint.signature.at(-3) === 'A' ? 'B' : 'A'}==` }, keys)).toBe('invalid');
    expect(checkSignature(checkpoint, new Map([[developmentSigner().publicKeyId, developmentSigner().publicKey]]))).toBe('unknown-key');
  });

  it('verifies an intact chain, sealed by a final checkpoint', () => {
    const chain = entries(40);
    const report = verify(chain, [checkpointAt(chain, 20), checkpointAt(chain, 40), checkpointAt(chain, 40, true)]);
    expect(report).toMatchObject({ problem: null, entries: 40, firstSeq: 1, lastSeq: 40, sealedTo: 40, closed: true, checkpoints: 3 });
    expect(verify(chain, [checkpointAt(chain, 20)])).toMatchObject({ problem: null, sealedTo: 20, closed: false });
  });
});

describe('what the verifier says about tampering', () => {
  const chain = entries(30);
  const checkpoints = [checkpointAt(chain, 10), checkpointAt(chain, 30, true)];
  const replace = (seq: number, change: (e: Record<string, unknown>) => Record<string, unknown>) => chain.map((e) => (e.seq === seq ? change(e) : e));

  it('a changed field: the entry no longer matches its hash', () => {
    expect(
      verify(
        replace(7, (e) => ({ ...e, outcome: 'NOT_FOUND' })),
        checkpoints,
      ).problem,
    ).toMatchObject({ kind: 'changed', at: `${CHAIN}:7` });
  });

  it('a changed field with its hash recomputed: the next entry no longer links to it', () => {
    const problem = verify(
      replace(7, (e) => {
        const edited = { ...e, outcome: 'NOT_FOUND' };
        return { ...edited, hash: hashOf(edited) };
      }),
      checkpoints,
    ).problem;
    expect(problem).toMatchObject({ kind: 'inserted', at: `${CHAIN}:8` });
  });

  it('a rewritten stretch with every hash recomputed: the checkpoint that signed the old head names it', () => {
    const rewritten = linkEntries(
      CHAIN,
      { seq: 0, hash: GENESIS_HASH },
      chain.map(({ _id, chain: _c, seq: _s, prevHash: _p, hash: _h, ...content }) => ({ ...content, outcome: content.requestId === 'r3' ? 'NOT_FOUND' : content.outcome })),
    );
    expect(verify(withHashes(rewritten), checkpoints).problem).toMatchObject({ kind: 'changed', at: `${CHAIN}:10` });
  });

  it('a deleted entry: a gap in the numbers', () => {
    expect(
      verify(
        chain.filter((e) => e.seq !== 12),
        checkpoints,
      ).problem,
    ).toMatchObject({ kind: 'missing', at: `${CHAIN}:12` });
    expect(verify(chain.filter((e) => e.seq !== 1)).problem).toMatchObject({ kind: 'missing', at: `${CHAIN}:1` });
    // The tail after the final checkpoint's head cannot go either.
    expect(
      verify(
        chain.filter((e) => e.seq !== 30),
        checkpoints,
      ).problem,
    ).toMatchObject({ kind: 'missing' });
  });

  it('a forged entry: a second claim to a number, an entry after the final checkpoint, or a link to nothing', () => {
    const forged = { ...chain[14], _id: 'forged', requestId: 'forged' };
    expect(verify([...chain, { ...forged, hash: hashOf(forged) }], checkpoints).problem?.kind).toBe('inserted');
    const extra = withHashes(linkEntries(CHAIN, { seq: 30, hash: String(chain[29]?.hash) }, [{ requestId: 'forged' }]));
    expect(verify([...chain, ...extra], checkpoints).problem).toMatchObject({ kind: 'inserted', at: `${CHAIN}:31` });
  });

  it('two entries swapped: each stands where the other was written', () => {
    const swapped = chain.map((e) => (e.seq === 5 ? { ...chain[5], _id: `${CHAIN}:5`, seq: 5 } : e.seq === 6 ? { ...chain[4], _id: `${CHAIN}:6`, seq: 6 } : e));
    expect(verify(swapped, checkpoints).problem).toMatchObject({ kind: 'reordered', at: `${CHAIN}:5`, detail: expect.stringContaining('written as seq 6') });
  });

  it('an altered or unknown checkpoint: a bad signature', () => {
    expect(verify(chain, [{ ...checkpoints[0], seq: 11 } as CheckpointDocument]).problem).toMatchObject({ kind: 'bad-signature' });
    const other = signerFrom(generateKeyPairSync('ed25519').privateKey);
    expect(verify(chain, [signCheckpoint(other, { chain: CHAIN, seq: 10, headHash: String(chain[9]?.hash), final: false })]).problem?.detail).toContain(
      'not among the public keys',
    );
  });

  it('a chain whose entries are all gone: its checkpoints still say so', () => {
    expect(verify([], checkpoints).problem).toMatchObject({ kind: 'missing' });
  });
});
