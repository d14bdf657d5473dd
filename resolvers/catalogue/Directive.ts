import type { CitationFieldResolvers, CitedByFieldResolvers, DirectiveFieldResolvers, TaskFieldResolvers } from '../../src/subgraphs/catalogue/__generated__/resolvers-types';
import { loadAll, loadOne, required } from './load';

export const Directive: DirectiveFieldResolvers = {
  // Federation: another subgraph's reference { id } resolves through the per-request loader, so `_entities` batches.
  __resolveReference: (reference, ctx) => ctx.loaders.directive.load(reference.id),
  id: (directive) => directive._id,
  numberAsPrinted: (directive) => directive.numberAsPrinted,
  issuer: (directive, _args, ctx) => loadOne(ctx.loaders.agency, directive.issuerAgencyId),
  province: (directive, _args, ctx) => loadOne(ctx.loaders.province, directive.provinceId),
  implements: (directive, _args, ctx) => loadAll(ctx.loaders.directive, directive.implementsIds),
  implementedBy: (directive, _args, ctx) => ctx.loaders.directivesImplementing.load(directive._id),
  citations: (directive) => directive.citations,
  cites: (directive, _args, ctx) => loadAll(ctx.loaders.directive, directive.citesIds),
  citedBy: (directive) => directive.citedAs,
  tasks: (directive) => directive.tasks,
  milestones: (directive, _args, ctx) => ctx.loaders.milestonesOfDirective.load(directive._id),
};

export const Citation: CitationFieldResolvers = {
  directive: async (citation, _args, ctx) => required(await ctx.loaders.directive.load(citation.directiveId), citation.directiveId),
};

export const CitedBy: CitedByFieldResolvers = {
  directive: async (entry, _args, ctx) => required(await ctx.loaders.directive.load(entry.byDirectiveId), entry.byDirectiveId),
};

export const Task: TaskFieldResolvers = {
  addressees: (task, _args, ctx) => loadAll(ctx.loaders.agency, task.addresseeAgencyIds),
};
