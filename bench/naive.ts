/**
 * The benchmark's naive variant: our subgraphs with DataLoader batching and
 * per-request caching turned off, passed through the subgraphs' existing
 * `loaderOptions`. Every field then sends its own database query (catalogue)
 * or upstream call (population), which is what resolvers calling the driver
 * directly would cost. Bench-only: nothing in src/ imports it.
 */
import type { LoaderOptions } from '../src/subgraphs/catalogue/loaders';
import type { LookupDependencies } from '../src/subgraphs/population/connector/lookups';

export const NAIVE_CATALOGUE_LOADERS: LoaderOptions = { batch: false, cache: false };

export const NAIVE_POPULATION_LOADERS: NonNullable<LookupDependencies['loaderOptions']> = { batch: false, cache: false };
