/** The catalogue under test at one size, and the API key the citizen operations use. */
import { performance } from 'node:perf_hooks';
import type { Db } from 'mongodb';
import { SYNTHETIC_GENERATOR_VERSION } from '../seeds/synthetic';
import { loadSyntheticCatalogue, readSyntheticMeta } from '../seeds/synthetic-load';
import { apiKeys, createApiKey } from '../src/gateway/api-keys';
import type { Principal } from '../src/platform/identity/principal';
import { catalogueCollections, ensureCatalogueIndexes } from '../src/subgraphs/catalogue/collections';
import { loadSeedData } from '../src/subgraphs/catalogue/seed/load';
import { auditCollection } from '../src/subgraphs/population/audit/audit-log';
import { CURATED_SAMPLES, type BenchSamples } from './operations';

export interface Catalogue {
  samples: BenchSamples;
  /** Seconds this run spent loading it; null when it was already there (or is the small curated one). */
  loadSeconds: number | null;
  counts: { services: number; milestones: number; directives: number };
}

export function databaseNameFor(services: number, prefix: string): string {
  return `${prefix}${services === 0 ? 'dvc_bench_curated' : `dvc_synthetic_${services}`}`;
}

/** Loads the catalogue of one size, unless the database already holds exactly it. */
export async function prepareCatalogue(db: Db, services: number, seed: number, log: (line: string) => void): Promise<Catalogue> {
  if (services === 0) {
    await db.dropDatabase();
    const c = catalogueCollections(db);
    await ensureCatalogueIndexes(c);
    return { samples: CURATED_SAMPLES, loadSeconds: null, counts: await loadSeedData(c) };
  }
  const existing = await readSyntheticMeta(db);
  if (existing && existing.services === services && existing.seed === seed && existing.generatorVersion === SYNTHETIC_GENERATOR_VERSION) {
    log(`${db.databaseName}: synthetic catalogue already loaded (${services} services, seed ${seed})`);
    // The counts the generator recorded: counting a million documents on FerretDB reads every one of them.
    return { samples: existing.samples, loadSeconds: null, counts: existing.counts };
  }
  const started = performance.now();
  let lastShown = 0;
  const meta = await loadSyntheticCatalogue(db, { services, seed }, (p) => {
    const now = performance.now();
    if (now - lastShown > 10_000 || p.done === p.total) {
      lastShown = now;
      log(`  loading ${p.phase}: ${p.done}/${p.total}`);
    }
  });
  return { samples: meta.samples, loadSeconds: (performance.now() - started) / 1000, counts: meta.counts };
}

export interface OfficerKey {
  /** The full key, for `Authorization: Bearer`. */
  key: string;
  /** The caller it stands for, as the gateway forwards it (for requests sent to the population subgraph directly). */
  principal: Principal;
}

/**
 * A fresh OFFICER key, after removing the keys and audit entries of earlier
 * runs: a synthetic catalogue is kept between runs, and an audit trail grown
 * by every run before would make each run's inserts a little slower.
 */
export async function freshOfficerKey(db: Db): Promise<OfficerKey> {
  await apiKeys(db).deleteMany({});
  // Dropped rather than emptied: a delete reads every entry on FerretDB; the subgraph recreates its indexes at start.
  await auditCollection(db)
    .drop()
    .catch(() => undefined);
  const name = 'bench officer';
  const { key, id } = await createApiKey(db, { name, role: 'officer' });
  return { key, principal: { role: 'officer', keyId: id, name, purposes: null, fields: null } };
}
