import DataLoader from 'dataloader';
import type { Collection, Sort } from 'mongodb';
import { matchAny, readWhole } from '../../platform/db/queries';
import type { CatalogueCollections } from './collections';
import type { AgencyDocument, DirectiveDocument, MilestoneDocument, ProvinceDocument, ServiceDocument } from './documents';

/**
 * DataLoader options applied to every loader. The subgraph always batches and
 * caches per request (the defaults); the benchmark passes `{ batch: false,
 * cache: false }` to measure what resolvers calling the driver directly cost
 * (bench/naive.ts).
 */
export type LoaderOptions = Pick<DataLoader.Options<string, unknown>, 'batch' | 'cache'>;

/**
 * Loads documents by a unique field in one query per batch (equality for a
 * single key, see matchAny) and returns them in key order, `null` where none
 * exists (DataLoader's contract).
 */
function byFieldLoader<T extends { _id: string }>(collection: Collection<T>, field: keyof T & string, options: DataLoader.Options<string, T | null>): DataLoader<string, T | null> {
  return new DataLoader<string, T | null>(async (keys) => {
    const found = (await collection.find(matchAny<T>(field, keys), readWhole()).toArray()) as T[];
    const byKey = new Map(found.map((doc) => [String(doc[field]), doc]));
    return keys.map((key) => byKey.get(key) ?? null);
  }, options);
}

/**
 * Loads, for each key, the documents whose `path` (a scalar or an array of
 * ids, possibly nested) holds it: one `$in` query per batch, in `sort` order.
 */
function byReferenceLoader<T extends { _id: string }>(
  collection: Collection<T>,
  path: string,
  values: (doc: T) => string[],
  sort: Sort,
  options: DataLoader.Options<string, T[]>,
): DataLoader<string, T[]> {
  return new DataLoader<string, T[]>(async (keys) => {
    const found = (await collection.find(matchAny<T>(path, keys), readWhole()).sort(sort).toArray()) as T[];
    const byKey = new Map<string, T[]>(keys.map((key) => [key, []]));
    for (const doc of found) for (const value of values(doc)) byKey.get(value)?.push(doc);
    return keys.map((key) => byKey.get(key) ?? []);
  }, options);
}

/** A directive's rows, a service's timeline and a row's phases: by document date, then document order. */
export const IN_DOCUMENT_ORDER: Sort = { sortDocument: 1, _id: 1 };

/** Per-request loaders: made fresh in the context function, never shared between requests. */
export interface Loaders {
  directive: DataLoader<string, DirectiveDocument | null>;
  /** By folded number ("406/qd-ttg"): the root `directive(id)` lookup. */
  directiveByKey: DataLoader<string, DirectiveDocument | null>;
  service: DataLoader<string, ServiceDocument | null>;
  milestone: DataLoader<string, MilestoneDocument | null>;
  agency: DataLoader<string, AgencyDocument | null>;
  province: DataLoader<string, ProvinceDocument | null>;
  directivesImplementing: DataLoader<string, DirectiveDocument[]>;
  directivesCiting: DataLoader<string, DirectiveDocument[]>;
  milestonesOfDirective: DataLoader<string, MilestoneDocument[]>;
  /** A service's timeline: its milestones by document date. */
  milestonesOfService: DataLoader<string, MilestoneDocument[]>;
  milestonesOfParent: DataLoader<string, MilestoneDocument[]>;
  milestonesLedBy: DataLoader<string, MilestoneDocument[]>;
  milestonesCoordinatedBy: DataLoader<string, MilestoneDocument[]>;
  /** By old province id ("63:91"): rows naming it in scope, done, pending, piloting. */
  milestonesNamingProvince: DataLoader<string, MilestoneDocument[]>;
  milestonesDoneInProvince: DataLoader<string, MilestoneDocument[]>;
  milestonesPendingInProvince: DataLoader<string, MilestoneDocument[]>;
  milestonesPilotInProvince: DataLoader<string, MilestoneDocument[]>;
  /** Rows in scope everywhere; the only key is "all". */
  milestonesEverywhere: DataLoader<string, MilestoneDocument[]>;
}

export function createLoaders(db: CatalogueCollections, loaderOptions: LoaderOptions = {}): Loaders {
  return {
    directive: byFieldLoader(db.directives, '_id', loaderOptions),
    directiveByKey: byFieldLoader(db.directives, 'idKey', loaderOptions),
    service: byFieldLoader(db.services, '_id', loaderOptions),
    milestone: byFieldLoader(db.milestones, '_id', loaderOptions),
    agency: byFieldLoader(db.agencies, '_id', loaderOptions),
    province: byFieldLoader(db.provinces, '_id', loaderOptions),
    directivesImplementing: byReferenceLoader(db.directives, 'implementsIds', (d) => d.implementsIds, { dateSort: -1, _id: 1 }, loaderOptions),
    directivesCiting: byReferenceLoader(db.directives, 'citesIds', (d) => d.citesIds, { dateSort: -1, _id: 1 }, loaderOptions),
    milestonesOfDirective: byReferenceLoader(db.milestones, 'directiveId', (m) => [m.directiveId], IN_DOCUMENT_ORDER, loaderOptions),
    milestonesOfService: byReferenceLoader(db.milestones, 'serviceId', (m) => [m.serviceId], IN_DOCUMENT_ORDER, loaderOptions),
    milestonesOfParent: byReferenceLoader(db.milestones, 'parentId', (m) => (m.parentId ? [m.parentId] : []), IN_DOCUMENT_ORDER, loaderOptions),
    milestonesLedBy: byReferenceLoader(db.milestones, 'leadAgencyIds', (m) => m.leadAgencyIds, IN_DOCUMENT_ORDER, loaderOptions),
    milestonesCoordinatedBy: byReferenceLoader(db.milestones, 'coordinatingAgencyIds', (m) => m.coordinatingAgencyIds, IN_DOCUMENT_ORDER, loaderOptions),
    milestonesNamingProvince: byReferenceLoader(db.milestones, 'provinceIds', (m) => m.provinceIds, IN_DOCUMENT_ORDER, loaderOptions),
    milestonesDoneInProvince: byReferenceLoader(db.milestones, 'status.doneProvinceIds', (m) => m.status?.doneProvinceIds ?? [], IN_DOCUMENT_ORDER, loaderOptions),
    milestonesPendingInProvince: byReferenceLoader(db.milestones, 'status.pendingProvinceIds', (m) => m.status?.pendingProvinceIds ?? [], IN_DOCUMENT_ORDER, loaderOptions),
    milestonesPilotInProvince: byReferenceLoader(db.milestones, 'status.pilotProvinceIds', (m) => m.status?.pilotProvinceIds ?? [], IN_DOCUMENT_ORDER, loaderOptions),
    milestonesEverywhere: new DataLoader<string, MilestoneDocument[]>(async (keys) => {
      const found = await db.milestones.find({ allProvinces: true }, readWhole()).sort(IN_DOCUMENT_ORDER).toArray();
      return keys.map(() => found);
    }, loaderOptions),
  };
}
