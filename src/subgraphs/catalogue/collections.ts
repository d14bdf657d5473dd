import type { Collection, Db } from 'mongodb';
import type { IndexSpec } from '../../platform/db/index-coverage';
import type { AgencyDocument, DirectiveDocument, MetaDocument, MilestoneDocument, ProvinceDocument, ServiceDocument } from './documents';

/** Typed handles on the catalogue's collections; the one place their names are spelled. */
export interface CatalogueCollections {
  directives: Collection<DirectiveDocument>;
  services: Collection<ServiceDocument>;
  milestones: Collection<MilestoneDocument>;
  agencies: Collection<AgencyDocument>;
  provinces: Collection<ProvinceDocument>;
  /** Facts about the catalogue itself, such as the completion marker of a synthetic load (seeds/synthetic-load.ts). */
  meta: Collection<MetaDocument>;
}

export function catalogueCollections(db: Db): CatalogueCollections {
  return {
    directives: db.collection<DirectiveDocument>('directives'),
    services: db.collection<ServiceDocument>('services'),
    milestones: db.collection<MilestoneDocument>('milestones'),
    agencies: db.collection<AgencyDocument>('agencies'),
    provinces: db.collection<ProvinceDocument>('provinces'),
    meta: db.collection<MetaDocument>('meta'),
  };
}

/** A catalogue index: the collection is one of CatalogueCollections'. */
export interface CatalogueIndex extends IndexSpec {
  collection: Exclude<keyof CatalogueCollections, 'meta'>;
}

/**
 * Every index of the catalogue, in one list: `ensureCatalogueIndexes` creates
 * these, and the index-coverage check (src/platform/db/index-coverage.ts)
 * checks every recorded read against the same list, so the two cannot drift.
 * Only plain single and compound indexes: the local database supports nothing
 * else. `arrays` names the keys whose values are arrays (multikey). Milestone
 * pages need an index that gives their order (ESR: equality keys, the sort,
 * then a range or a `$in` of several values), hence the compound ones.
 */
export const CATALOGUE_INDEXES: readonly CatalogueIndex[] = [
  { collection: 'directives', name: 'idKey_unique', keys: { idKey: 1 }, unique: true },
  { collection: 'directives', name: 'dateSort', keys: { dateSort: -1, _id: 1 } },
  { collection: 'directives', name: 'implements', keys: { implementsIds: 1 }, arrays: ['implementsIds'] },
  { collection: 'directives', name: 'cites', keys: { citesIds: 1 }, arrays: ['citesIds'] },
  // A directive's rows (loader), and pages filtered by one directive, in document or due order.
  { collection: 'milestones', name: 'directive_document', keys: { directiveId: 1, sortDocument: 1, _id: 1 } },
  { collection: 'milestones', name: 'directive_due', keys: { directiveId: 1, sortDue: 1, _id: 1 } },
  // A service's timeline (loader), and pages filtered by one service.
  { collection: 'milestones', name: 'service_document', keys: { serviceId: 1, sortDocument: 1, _id: 1 } },
  // A row's phases (loader), and pages of top-level rows by due date (`topLevelOnly`: parentId null).
  { collection: 'milestones', name: 'parent_due', keys: { parentId: 1, sortDue: 1, _id: 1 } },
  { collection: 'milestones', name: 'sort_due', keys: { sortDue: 1, _id: 1 } },
  { collection: 'milestones', name: 'sort_name', keys: { sortName: 1, _id: 1 } },
  { collection: 'milestones', name: 'done_province', keys: { 'status.doneProvinceIds': 1 }, arrays: ['status.doneProvinceIds'] },
  { collection: 'milestones', name: 'pending_province', keys: { 'status.pendingProvinceIds': 1 }, arrays: ['status.pendingProvinceIds'] },
  { collection: 'milestones', name: 'pilot_province', keys: { 'status.pilotProvinceIds': 1 }, arrays: ['status.pilotProvinceIds'] },
  { collection: 'milestones', name: 'lead_agency_document', keys: { leadAgencyIds: 1, sortDocument: 1, _id: 1 }, arrays: ['leadAgencyIds'] },
  { collection: 'milestones', name: 'coordinating_agency', keys: { coordinatingAgencyIds: 1 }, arrays: ['coordinatingAgencyIds'] },
  { collection: 'milestones', name: 'province', keys: { provinceIds: 1 }, arrays: ['provinceIds'] },
  // Rows in scope everywhere (loader, and the other branch of every province filter).
  { collection: 'milestones', name: 'all_provinces', keys: { allProvinces: 1, sortDocument: 1, _id: 1 } },
  { collection: 'milestones', name: 'state_document', keys: { 'status.state': 1, sortDocument: 1, _id: 1 } },
  // Pages in document order: of everything, or filtered by several agencies (succession), provinces or states, tested on the index's keys.
  { collection: 'milestones', name: 'document_state', keys: { sortDocument: 1, _id: 1, 'status.state': 1 } },
  { collection: 'milestones', name: 'document_lead_agency', keys: { sortDocument: 1, _id: 1, leadAgencyIds: 1 }, arrays: ['leadAgencyIds'] },
  { collection: 'milestones', name: 'document_province', keys: { sortDocument: 1, _id: 1, provinceIds: 1 }, arrays: ['provinceIds'] },
  { collection: 'services', name: 'sort_name', keys: { sortName: 1, _id: 1 } },
  { collection: 'services', name: 'first_date', keys: { firstDate: 1, _id: 1 } },
  // `agencies(kind:)` pages by name, `_id` breaking ties (platform/db/paginate.ts).
  { collection: 'agencies', name: 'name_id', keys: { name: 1, _id: 1 } },
  { collection: 'agencies', name: 'kind_name_id', keys: { kind: 1, name: 1, _id: 1 } },
  { collection: 'provinces', name: 'code_era_unique', keys: { code: 1, era: 1 }, unique: true },
  // `provinces(era)`, in code order.
  { collection: 'provinces', name: 'era_code', keys: { era: 1, code: 1 } },
];

/**
 * Indexes earlier versions created, replaced by ones above that lead with the
 * same keys (an index's keys cannot change under its name): dropped at start.
 */
export const OBSOLETE_CATALOGUE_INDEXES: ReadonlyArray<{ collection: CatalogueIndex['collection']; name: string }> = [
  { collection: 'milestones', name: 'directive_order' },
  { collection: 'milestones', name: 'service_timeline' },
  { collection: 'milestones', name: 'parent' },
  { collection: 'milestones', name: 'lead_agency' },
  { collection: 'milestones', name: 'sort_document' },
  { collection: 'agencies', name: 'name' },
];

/** Creates CATALOGUE_INDEXES and drops the obsolete ones. Idempotent, so this runs at every start. */
export async function ensureCatalogueIndexes(c: CatalogueCollections): Promise<void> {
  for (const collection of new Set(OBSOLETE_CATALOGUE_INDEXES.map((index) => index.collection))) {
    // A collection that does not exist yet has no indexes (listIndexes fails with NamespaceNotFound).
    const existing = new Set(
      (
        await c[collection]
          .listIndexes()
          .toArray()
          .catch(() => [])
      ).map((index) => String(index.name)),
    );
    for (const { name } of OBSOLETE_CATALOGUE_INDEXES.filter((index) => index.collection === collection && existing.has(index.name))) await c[collection].dropIndex(name);
  }
  await Promise.all(CATALOGUE_INDEXES.map((index) => c[index.collection].createIndex({ ...index.keys }, { name: index.name, ...(index.unique ? { unique: true } : {}) })));
}
