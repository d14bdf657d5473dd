import type { Filter } from 'mongodb';
import type { CatalogueCollections } from '../collections';
import type { AgencyDocument, MilestoneDocument, ProvinceDocument, ServiceLevel, StatusState } from '../documents';
import { matchAny, readWhole } from '../../../platform/db/queries';
import { BadUserInputError } from '../../../platform/errors';
import { directiveIdKey, foldVietnamese } from '../../../platform/fold';

/** The milestone filter as the schema's MilestoneFilter input delivers it. */
export interface MilestoneFilterInput {
  directiveIds?: readonly string[] | null;
  serviceIds?: readonly string[] | null;
  leadAgencyIds?: readonly string[] | null;
  coordinatingAgencyIds?: readonly string[] | null;
  includeSuccession?: boolean | null;
  provinces?: readonly string[] | null;
  namedProvincesOnly?: boolean | null;
  levels?: readonly ServiceLevel[] | null;
  states?: readonly StatusState[] | null;
  dueFrom?: string | null;
  dueTo?: string | null;
  overdueAsOf?: string | null;
  carriedOver?: boolean | null;
  section?: string | null;
  text?: string | null;
  topLevelOnly?: boolean | null;
}

/** A user's text as a literal, case-insensitive pattern over folded text: never an operator, never a live regex. */
export function containsFolded(text: string, argumentName: string): RegExp {
  const folded = foldVietnamese(text);
  if (folded.length === 0) throw new BadUserInputError(`\`${argumentName}\` must contain at least one letter or digit.`, argumentName);
  if (folded.length > 200) throw new BadUserInputError(`\`${argumentName}\` is longer than 200 characters.`, argumentName);
  return new RegExp(folded.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
}

/**
 * Agency ids plus every agency linked to them by the 2025 succession, in either
 * direction, transitively. Each agency names both its successors and its
 * predecessors, so the links are followed by `_id`, one query per step
 * (usually two): never a read of the whole collection.
 */
async function withSuccession(db: CatalogueCollections, ids: readonly string[]): Promise<string[]> {
  const result = new Set(ids);
  let frontier = [...result];
  while (frontier.length > 0) {
    const agencies = await db.agencies.find(matchAny<AgencyDocument>('_id', frontier), { ...readWhole(), projection: { _id: 1, successors: 1, predecessorIds: 1 } }).toArray();
    frontier = [...new Set(agencies.flatMap((a) => [...a.successors.map((s) => s.agencyId), ...a.predecessorIds]))].filter((id) => !result.has(id));
    for (const id of frontier) result.add(id);
  }
  return [...result];
}

/**
 * Old-unit province ids for the given provinces: "63:91" as given, "34:91" or a
 * bare "91" (the current unit) expanded to the units it was formed from.
 */
async function oldProvinceIds(db: CatalogueCollections, given: readonly string[]): Promise<string[]> {
  const ids = given.map((value) => {
    if (/^\d{2}$/.test(value)) return `34:${value}`;
    if (/^(63|34):\d{2}$/.test(value)) return value;
    throw new BadUserInputError(`"${value}" is not a province: give a 2-digit code ("91", the current unit) or an era-qualified id ("63:91").`, 'provinces');
  });
  const current = ids.filter((id) => id.startsWith('34:'));
  const found = current.length ? await db.provinces.find(matchAny<ProvinceDocument>('_id', current), readWhole()).toArray() : [];
  return [...new Set([...ids.filter((id) => id.startsWith('63:')), ...found.flatMap((p) => p.formedFromIds)])];
}

/**
 * Translates the MilestoneFilter input into a Mongo filter. Every user value is
 * placed under an operator chosen here ($in, equality, a literal regex), so no
 * input can smuggle an operator into the query.
 */
export async function milestoneFilter(db: CatalogueCollections, input: MilestoneFilterInput | null | undefined): Promise<Filter<MilestoneDocument>> {
  const and: Filter<MilestoneDocument>[] = [];
  if (!input) return {};
  if (input.directiveIds?.length) {
    const keys = input.directiveIds.map(directiveIdKey);
    const directives = await db.directives.find({ idKey: { $in: keys } }, { ...readWhole(), projection: { _id: 1 } }).toArray();
    and.push({ directiveId: { $in: directives.map((d) => d._id) } });
  }
  if (input.serviceIds?.length) and.push({ serviceId: { $in: [...input.serviceIds] } });
  const agencies = async (ids: readonly string[]) => (input.includeSuccession ? withSuccession(db, ids) : [...ids]);
  if (input.leadAgencyIds?.length) and.push({ leadAgencyIds: { $in: await agencies(input.leadAgencyIds) } });
  if (input.coordinatingAgencyIds?.length) and.push({ coordinatingAgencyIds: { $in: await agencies(input.coordinatingAgencyIds) } });
  if (input.provinces?.length) {
    const ids = await oldProvinceIds(db, input.provinces);
    and.push(input.namedProvincesOnly ? { provinceIds: { $in: ids } } : { $or: [{ provinceIds: { $in: ids } }, { allProvinces: true }] });
  }
  if (input.levels?.length) and.push({ level: { $in: [...input.levels] } });
  if (input.states?.length) and.push({ 'status.state': { $in: [...input.states] } });
  if (input.dueFrom) and.push({ 'due.end': { $gte: input.dueFrom } });
  if (input.dueTo) and.push({ 'due.end': { $lte: input.dueTo } });
  if (input.overdueAsOf) and.push({ 'due.end': { $lt: input.overdueAsOf } }, { 'status.state': { $ne: 'DONE' } });
  if (input.carriedOver !== undefined && input.carriedOver !== null) and.push({ carriedOver: input.carriedOver });
  if (input.section) and.push({ sectionText: { $regex: containsFolded(input.section, 'section') } });
  if (input.text) and.push({ searchText: { $regex: containsFolded(input.text, 'text') } });
  if (input.topLevelOnly) and.push({ parentId: null });
  return and.length === 0 ? {} : and.length === 1 ? (and[0] as Filter<MilestoneDocument>) : { $and: and };
}
