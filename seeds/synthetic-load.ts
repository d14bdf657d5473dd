import type { Collection, Db, OptionalUnlessRequiredId } from 'mongodb';
import { catalogueCollections, ensureCatalogueIndexes, type CatalogueCollections } from '../src/subgraphs/catalogue/collections';
import type { SyntheticMetaDocument } from '../src/subgraphs/catalogue/documents';
import { readSeedData, toDocuments, validateSeedData, type CatalogueDocuments, type SeedData } from '../src/subgraphs/catalogue/seed/load';
import { generateSyntheticCatalogue, SYNTHETIC_BLOCK, SYNTHETIC_GENERATOR_VERSION, SyntheticSampler, type SyntheticCatalogue } from './synthetic';

/** The completion marker of a synthetic catalogue: `meta` document "synthetic". */
export type SyntheticMeta = SyntheticMetaDocument;

export interface SyntheticLoadProgress {
  /** "reference" (provinces, agencies, directives, the curated catalogue), "services", "indexes", "meta". */
  phase: 'reference' | 'services' | 'indexes' | 'meta';
  /** Units of the phase done and expected: documents for "reference", services for "services", 0/1 for the rest. */
  done: number;
  total: number;
  /** Documents written since the load began. */
  documents: number;
}

export interface SyntheticLoadOptions {
  services: number;
  seed: number;
  /** Services generated, converted and written at a time; default max(1,000, services / 100), a multiple of 50. */
  chunkSize?: number;
}

/**
 * Documents per insertMany. FerretDB 1.24's 100-statement limit (BULK_WRITE_BATCH
 * in src/subgraphs/catalogue/seed/load.ts) is for `update`; `insert` takes 1,000 (and 5,000) fine.
 */
export const INSERT_BATCH = 1_000;

/** Chunks of ~1,000 services; past 100,000 services, 100 chunks, so the per-chunk work over all directives stays linear overall. */
export function defaultChunkSize(services: number): number {
  return Math.max(1_000, Math.ceil(services / 100 / SYNTHETIC_BLOCK) * SYNTHETIC_BLOCK);
}

async function insertAll<T extends { _id: string }>(collection: Collection<T>, docs: T[], written: (count: number) => void): Promise<void> {
  for (let start = 0; start < docs.length; start += INSERT_BATCH) {
    const batch = docs.slice(start, start + INSERT_BATCH);
    // Unordered: the server may write in any order; any failure (a duplicate id) still rejects the whole call.
    const result = await collection.insertMany(batch as OptionalUnlessRequiredId<T>[], { ordered: false });
    // Checked here rather than by counting afterwards: FerretDB 1.24 counts by reading every document (minutes at 1M).
    if (result.insertedCount !== batch.length) throw new Error(`Synthetic load incomplete: ${collection.collectionName} took ${result.insertedCount} of ${batch.length} documents`);
    written(batch.length);
  }
}

function check(data: SeedData, what: string): void {
  const problems = validateSeedData(data);
  if (problems.length > 0) throw new Error(`Synthetic data is inconsistent in ${what} (${problems.length} problem(s)):\n- ${problems.slice(0, 20).join('\n- ')}`);
}

/** Reports progress, counting the documents written since the load began. */
interface LoadProgress {
  report(phase: SyntheticLoadProgress['phase'], done: number, total: number): void;
  /** `n` more documents written. */
  wrote(n: number): void;
}

function trackProgress(onProgress?: (p: SyntheticLoadProgress) => void): LoadProgress {
  let documents = 0;
  return {
    report: (phase, done, total) => onProgress?.({ phase, done, total, documents }),
    wrote: (n) => {
      documents += n;
    },
  };
}

/**
 * Writes the reference data and the curated catalogue, so the real records stay
 * queryable ("406/QĐ-TTg"); returns the reference records each chunk is checked
 * against, and the documents written.
 */
async function writeReference(
  c: CatalogueCollections,
  real: SeedData,
  catalogue: SyntheticCatalogue,
  progress: LoadProgress,
): Promise<{ reference: SeedData; base: CatalogueDocuments }> {
  const reference: SeedData = {
    provincesBefore: real.provincesBefore,
    provincesFrom: real.provincesFrom,
    agencies: [...real.agencies, ...catalogue.agencies],
    directives: [...real.directives, ...catalogue.directives],
    services: [],
    milestones: [],
  };
  const curated: SeedData = { ...reference, services: real.services, milestones: real.milestones };
  check(curated, 'the reference data');
  const base = toDocuments(curated);
  const baseTotal = base.provinces.length + base.agencies.length + base.directives.length + base.services.length + base.milestones.length;
  let baseDone = 0;
  const baseWritten = (n: number): void => {
    progress.wrote(n);
    baseDone += n;
    progress.report('reference', baseDone, baseTotal);
  };
  progress.report('reference', 0, baseTotal);
  await insertAll(c.provinces, base.provinces, baseWritten);
  await insertAll(c.agencies, base.agencies, baseWritten);
  await insertAll(c.directives, base.directives, baseWritten);
  await insertAll(c.services, base.services, baseWritten);
  await insertAll(c.milestones, base.milestones, baseWritten);
  return { reference, base };
}

/** Writes the synthetic services and milestones, one chunk in memory at a time; returns how many of each. */
async function writeSyntheticServices(
  c: CatalogueCollections,
  catalogue: SyntheticCatalogue,
  reference: SeedData,
  chunkSize: number,
  sampler: SyntheticSampler,
  progress: LoadProgress,
): Promise<{ services: number; milestones: number }> {
  const total = catalogue.options.services;
  let services = 0;
  let milestones = 0;
  let chunkDocuments = 0;
  let chunkWritten = 0;
  let chunkServices = 0;
  const written = (n: number): void => {
    progress.wrote(n);
    chunkWritten += n;
    // Within a chunk, services count as done in proportion to its documents written.
    progress.report('services', services + Math.floor((chunkServices * chunkWritten) / chunkDocuments), total);
  };
  progress.report('services', 0, total);
  for (const chunk of catalogue.chunks(chunkSize)) {
    const data: SeedData = { ...reference, services: chunk.services, milestones: chunk.milestones };
    const range = `services ${chunk.services[0]?.id}…${chunk.services.at(-1)?.id}`;
    check(data, range);
    const docs = toDocuments(data);
    chunkServices = docs.services.length;
    chunkDocuments = docs.services.length + docs.milestones.length;
    chunkWritten = 0;
    await insertAll(c.services, docs.services, written);
    await insertAll(c.milestones, docs.milestones, written);
    sampler.observeChunk(chunk);
    services += docs.services.length;
    milestones += docs.milestones.length;
    progress.report('services', services, total);
  }
  return { services, milestones };
}

/**
 * Replaces the database `db` with the curated catalogue plus a synthetic one of
 * `services` services (seeds/synthetic.ts): drops it, writes provinces, agencies
 * and directives once, then services with their milestones chunk by chunk
 * (validated and converted by the same code as the curated data), creates the
 * indexes, and writes the `meta` marker last. Same options → same documents.
 *
 * It drops whatever database it is given: callers choose one of its own
 * (the CLI refuses the gateway's configured database).
 */
export async function loadSyntheticCatalogue(db: Db, options: SyntheticLoadOptions, onProgress?: (p: SyntheticLoadProgress) => void): Promise<SyntheticMeta> {
  const real = readSeedData();
  const catalogue = generateSyntheticCatalogue({ services: options.services, seed: options.seed }, real);
  const sampler = new SyntheticSampler(catalogue, real);
  const chunkSize = options.chunkSize ?? defaultChunkSize(options.services);
  const progress = trackProgress(onProgress);

  await db.dropDatabase();
  const c = catalogueCollections(db);
  const { reference, base } = await writeReference(c, real, catalogue, progress);
  sampler.observeMilestones(real.milestones);
  const { services, milestones } = await writeSyntheticServices(c, catalogue, reference, chunkSize, sampler, progress);

  // Indexes after the bulk load, as MongoDB prefers. On FerretDB 1.24 (SQLite) both orders
  // cost about the same at 10,000 services, and building them after scales better.
  progress.report('indexes', 0, 1);
  await ensureCatalogueIndexes(c);
  progress.report('indexes', 1, 1);

  const counts: SyntheticMeta['counts'] = {
    provinces: base.provinces.length,
    agencies: base.agencies.length,
    directives: base.directives.length,
    services: base.services.length + services,
    milestones: base.milestones.length + milestones,
    synthetic: { agencies: catalogue.agencies.length, directives: catalogue.directives.length, services, milestones },
  };
  progress.report('meta', 0, 1);
  const meta: SyntheticMeta = {
    _id: 'synthetic',
    generatorVersion: SYNTHETIC_GENERATOR_VERSION,
    seed: options.seed,
    services: options.services,
    counts,
    loadedAt: new Date().toISOString(),
    samples: sampler.samples(),
  };
  // Written last: its presence means everything above completed.
  await c.meta.replaceOne({ _id: 'synthetic' }, meta, { upsert: true });
  progress.report('meta', 1, 1);
  return meta;
}

/** The marker of a completely loaded synthetic catalogue in `db`, or null (none, or a load that did not finish). */
export async function readSyntheticMeta(db: Db): Promise<SyntheticMeta | null> {
  const meta = await catalogueCollections(db).meta.findOne({ _id: 'synthetic' });
  return meta && typeof meta.generatorVersion === 'number' && meta.samples ? meta : null;
}
