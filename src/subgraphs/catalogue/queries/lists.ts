import type { Filter } from 'mongodb';
import type { CatalogueCollections } from '../collections';
import type { AgencyDocument, AgencyKind, MilestoneDocument, ProvinceDocument, ProvinceEra, ServiceDocument } from '../documents';
import { paginate, type KeysetOrder, type Page, type PageArgs } from '../../../platform/db/paginate';
import { BadUserInputError } from '../../../platform/errors';
import { readOptions } from '../../../platform/db/queries';
import { containsFolded, milestoneFilter, type MilestoneFilterInput } from './filters';

export type MilestoneOrder = 'DOCUMENT_DATE' | 'DUE_DATE' | 'NAME';
const MILESTONE_ORDERS: Record<MilestoneOrder, KeysetOrder<MilestoneDocument>> = {
  DOCUMENT_DATE: { field: 'sortDocument', direction: 1 },
  DUE_DATE: { field: 'sortDue', direction: 1 },
  NAME: { field: 'sortName', direction: 1 },
};

export async function listMilestones(
  db: CatalogueCollections,
  filter: MilestoneFilterInput | null | undefined,
  orderBy: MilestoneOrder | null | undefined,
  page: PageArgs,
): Promise<Page<MilestoneDocument>> {
  return paginate(db.milestones, await milestoneFilter(db, filter), MILESTONE_ORDERS[orderBy ?? 'DOCUMENT_DATE'], page);
}

export type ServiceOrder = 'NAME' | 'FIRST_DOCUMENT_DATE';
export interface ServiceFilterInput {
  milestones?: MilestoneFilterInput | null;
  text?: string | null;
}

export async function listServices(
  db: CatalogueCollections,
  filter: ServiceFilterInput | null | undefined,
  orderBy: ServiceOrder | null | undefined,
  page: PageArgs,
): Promise<Page<ServiceDocument>> {
  const and: Filter<ServiceDocument>[] = [];
  if (filter?.text) and.push({ searchText: { $regex: containsFolded(filter.text, 'text') } });
  if (filter?.milestones) {
    const serviceIds = await db.milestones.distinct('serviceId', await milestoneFilter(db, filter.milestones));
    and.push({ _id: { $in: serviceIds } });
  }
  const order: KeysetOrder<ServiceDocument> = orderBy === 'FIRST_DOCUMENT_DATE' ? { field: 'firstDate', direction: 1 } : { field: 'sortName', direction: 1 };
  return paginate(db.services, and.length ? { $and: and } : {}, order, page);
}

export function listAgencies(db: CatalogueCollections, kind: AgencyKind | null | undefined, page: PageArgs): Promise<Page<AgencyDocument>> {
  return paginate(db.agencies, kind ? { kind } : {}, { field: 'name', direction: 1 }, page);
}

export function listProvinces(db: CatalogueCollections, era: ProvinceEra | null | undefined): Promise<ProvinceDocument[]> {
  return db.provinces
    .find({ era: era ?? 'FROM_2025_07' }, readOptions())
    .sort({ code: 1 })
    .toArray();
}

/** The unit with this code in force on `asOf` (default: today's map). */
export async function findProvince(db: CatalogueCollections, code: string, asOf: string | null | undefined): Promise<ProvinceDocument | null> {
  if (!/^\d{2}$/.test(code)) throw new BadUserInputError(`\`code\` must be a 2-digit province code such as "01" or "91", got "${code}".`, 'code');
  const era: ProvinceEra = asOf && asOf < '2025-07-01' ? 'BEFORE_2025_07' : 'FROM_2025_07';
  return db.provinces.findOne({ code, era }, readOptions());
}
