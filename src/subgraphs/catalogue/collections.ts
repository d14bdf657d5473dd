import type { Collection, Db } from 'mongodb';
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

/**
 * Creates the indexes the queries rely on. createIndex is idempotent, so this
 * runs at every start. Only plain single and compound indexes: the local
 * database supports nothing else.
 */
export async function ensureCatalogueIndexes(c: CatalogueCollections): Promise<void> {
  await Promise.all([
    c.directives.createIndex({ idKey: 1 }, { unique: true, name: 'idKey_unique' }),
    c.directives.createIndex({ dateSort: -1, _id: 1 }, { name: 'dateSort' }),
    c.milestones.createIndex({ directiveId: 1, order: 1 }, { name: 'directive_order' }),
    c.milestones.createIndex({ serviceId: 1, sortDocument: 1 }, { name: 'service_timeline' }),
    c.milestones.createIndex({ parentId: 1 }, { name: 'parent' }),
    c.milestones.createIndex({ sortDocument: 1, _id: 1 }, { name: 'sort_document' }),
    c.milestones.createIndex({ sortDue: 1, _id: 1 }, { name: 'sort_due' }),
    c.milestones.createIndex({ sortName: 1, _id: 1 }, { name: 'sort_name' }),
    c.milestones.createIndex({ 'status.doneProvinceIds': 1 }, { name: 'done_province' }),
    c.milestones.createIndex({ 'status.pendingProvinceIds': 1 }, { name: 'pending_province' }),
    c.milestones.createIndex({ 'status.pilotProvinceIds': 1 }, { name: 'pilot_province' }),
    c.directives.createIndex({ implementsIds: 1 }, { name: 'implements' }),
    c.directives.createIndex({ citesIds: 1 }, { name: 'cites' }),
    c.services.createIndex({ sortName: 1, _id: 1 }, { name: 'sort_name' }),
    c.services.createIndex({ firstDate: 1, _id: 1 }, { name: 'first_date' }),
    c.milestones.createIndex({ leadAgencyIds: 1 }, { name: 'lead_agency' }),
    c.milestones.createIndex({ coordinatingAgencyIds: 1 }, { name: 'coordinating_agency' }),
    c.milestones.createIndex({ provinceIds: 1 }, { name: 'province' }),
    c.agencies.createIndex({ name: 1 }, { name: 'name' }),
    c.provinces.createIndex({ code: 1, era: 1 }, { unique: true, name: 'code_era_unique' }),
  ]);
}
