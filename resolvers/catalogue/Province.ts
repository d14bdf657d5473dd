import type DataLoader from 'dataloader';
import type { ProvinceFieldResolvers } from '../../src/subgraphs/catalogue/__generated__/resolvers-types';
import type { MilestoneDocument, ProvinceDocument } from '../../src/subgraphs/catalogue/documents';
import { loadAll, loadOne, mergeUnique, withoutErrors } from './load';

/** The old units a province stands for: itself, or for a current unit the units it was formed from. */
function oldUnits(province: ProvinceDocument): string[] {
  return province.era === 'BEFORE_2025_07' ? [province._id] : province.formedFromIds;
}

const inDocumentOrder = (a: MilestoneDocument, b: MilestoneDocument): number => a.sortDocument.localeCompare(b.sortDocument) || a._id.localeCompare(b._id);

async function milestonesOf(province: ProvinceDocument, loader: DataLoader<string, MilestoneDocument[]>, extra: MilestoneDocument[] = []): Promise<MilestoneDocument[]> {
  return mergeUnique([...withoutErrors(await loader.loadMany(oldUnits(province))), extra], inDocumentOrder);
}

export const Province: ProvinceFieldResolvers = {
  // Federation: another subgraph's reference { id: "34:91" } resolves through the per-request loader, so `_entities` batches.
  __resolveReference: (reference, ctx) => ctx.loaders.province.load(reference.id),
  id: (province) => province._id,
  mergedInto: (province, _args, ctx) => loadOne(ctx.loaders.province, province.mergedIntoId),
  formedFrom: (province, _args, ctx) => loadAll(ctx.loaders.province, province.formedFromIds),
  milestonesInScope: async (province, _args, ctx) => milestonesOf(province, ctx.loaders.milestonesNamingProvince, await ctx.loaders.milestonesEverywhere.load('all')),
  milestonesDone: (province, _args, ctx) => milestonesOf(province, ctx.loaders.milestonesDoneInProvince),
  milestonesPending: (province, _args, ctx) => milestonesOf(province, ctx.loaders.milestonesPendingInProvince),
  milestonesPilot: (province, _args, ctx) => milestonesOf(province, ctx.loaders.milestonesPilotInProvince),
};
