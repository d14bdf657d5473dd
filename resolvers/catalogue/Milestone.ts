import type { MilestoneFieldResolvers, MilestoneStatusFieldResolvers } from '../../src/subgraphs/catalogue/__generated__/resolvers-types';
import { loadAll, loadOne, required } from './load';

export const Milestone: MilestoneFieldResolvers = {
  id: (milestone) => milestone._id,
  directive: async (milestone, _args, ctx) => required(await ctx.loaders.directive.load(milestone.directiveId), milestone.directiveId),
  service: async (milestone, _args, ctx) => required(await ctx.loaders.service.load(milestone.serviceId), milestone.serviceId),
  parent: (milestone, _args, ctx) => loadOne(ctx.loaders.milestone, milestone.parentId),
  phases: (milestone, _args, ctx) => ctx.loaders.milestonesOfParent.load(milestone._id),
  leadAgencies: (milestone, _args, ctx) => loadAll(ctx.loaders.agency, milestone.leadAgencyIds),
  coordinatingAgencies: (milestone, _args, ctx) => loadAll(ctx.loaders.agency, milestone.coordinatingAgencyIds),
  provinces: (milestone, _args, ctx) => loadAll(ctx.loaders.province, milestone.provinceIds),
};

export const MilestoneStatus: MilestoneStatusFieldResolvers = {
  doneProvinces: (status, _args, ctx) => loadAll(ctx.loaders.province, status.doneProvinceIds),
  pendingProvinces: (status, _args, ctx) => loadAll(ctx.loaders.province, status.pendingProvinceIds),
  pilotProvinces: (status, _args, ctx) => loadAll(ctx.loaders.province, status.pilotProvinceIds),
};
