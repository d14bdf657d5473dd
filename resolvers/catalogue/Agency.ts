import type { AgencyFieldResolvers, AgencySuccessionFieldResolvers } from '../../src/subgraphs/catalogue/__generated__/resolvers-types';
import type { AgencyDocument } from '../../src/subgraphs/catalogue/documents';
import type { Loaders } from '../../src/subgraphs/catalogue/loaders';
import { loadAll, loadOne, required } from './load';

/** Itself if it still exists, else (transitively) its successors. */
async function currentAgencies(agency: AgencyDocument, loaders: Loaders, seen = new Set<string>()): Promise<AgencyDocument[]> {
  if (!agency.dissolvedOn || agency.successors.length === 0 || seen.has(agency._id)) return [agency];
  seen.add(agency._id);
  const successors = await loadAll(
    loaders.agency,
    agency.successors.map((s) => s.agencyId),
  );
  const nested = await Promise.all(successors.map((s) => currentAgencies(s, loaders, seen)));
  return [...new Map(nested.flat().map((a) => [a._id, a])).values()];
}

export const Agency: AgencyFieldResolvers = {
  // Federation: another subgraph's reference { id } resolves through the per-request loader, so `_entities` batches.
  __resolveReference: (reference, ctx) => ctx.loaders.agency.load(reference.id),
  id: (agency) => agency._id,
  province: (agency, _args, ctx) => loadOne(ctx.loaders.province, agency.provinceId),
  parent: (agency, _args, ctx) => loadOne(ctx.loaders.agency, agency.parentId),
  predecessors: (agency, _args, ctx) => loadAll(ctx.loaders.agency, agency.predecessorIds),
  currentAgencies: (agency, _args, ctx) => currentAgencies(agency, ctx.loaders),
  leads: (agency, _args, ctx) => ctx.loaders.milestonesLedBy.load(agency._id),
  coordinates: (agency, _args, ctx) => ctx.loaders.milestonesCoordinatedBy.load(agency._id),
};

export const AgencySuccession: AgencySuccessionFieldResolvers = {
  agency: async (succession, _args, ctx) => required(await ctx.loaders.agency.load(succession.agencyId), succession.agencyId),
};
