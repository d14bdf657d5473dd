import type { ServiceNameFieldResolvers, ServiceFieldResolvers } from '../../src/subgraphs/catalogue/__generated__/resolvers-types';
import { loadAll, required } from './load';

export const Service: ServiceFieldResolvers = {
  // Federation: another subgraph's reference { id } resolves through the per-request loader, so `_entities` batches.
  __resolveReference: (reference, ctx) => ctx.loaders.service.load(reference.id),
  id: (service) => service._id,
  names: (service) => service.names,
  components: (service, _args, ctx) => loadAll(ctx.loaders.service, service.componentIds),
  partOf: (service, _args, ctx) => loadAll(ctx.loaders.service, service.partOfIds),
  directives: (service, _args, ctx) => loadAll(ctx.loaders.directive, service.directiveIds),
  timeline: (service, _args, ctx) => ctx.loaders.milestonesOfService.load(service._id),
};

export const ServiceName: ServiceNameFieldResolvers = {
  directive: async (entry, _args, ctx) => required(await ctx.loaders.directive.load(entry.directiveId), entry.directiveId),
  milestone: async (entry, _args, ctx) => required(await ctx.loaders.milestone.load(entry.milestoneId), entry.milestoneId),
};
