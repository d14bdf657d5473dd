import { maybeCacheControlFromInfo } from '@apollo/cache-control-types';
import type { QueryFieldResolvers } from '../../src/subgraphs/catalogue/__generated__/resolvers-types';
import { completionOverTime, milestoneBreakdown } from '../../src/subgraphs/catalogue/queries/breakdown';
import { listDirectives } from '../../src/subgraphs/catalogue/queries/directives';
import { findProvince, listAgencies, listMilestones, listProvinces, listServices } from '../../src/subgraphs/catalogue/queries/lists';
import { search } from '../../src/subgraphs/catalogue/queries/search';
import { directiveIdKey } from '../../src/platform/fold';

export const Query: QueryFieldResolvers = {
  health: async (_parent, _args, ctx, info) => {
    maybeCacheControlFromInfo(info)?.setCacheHint({ maxAge: 0 });
    return { database: await ctx.pingDatabase(), version: ctx.version };
  },
  directive: (_parent, { id }, ctx) => ctx.loaders.directiveByKey.load(directiveIdKey(id)),
  directives: (_parent, args, ctx) => listDirectives(ctx.db, { ...args, max: ctx.maxPageSize }),
  service: (_parent, { id }, ctx) => ctx.loaders.service.load(id),
  services: (_parent, { filter, orderBy, ...page }, ctx) => listServices(ctx.db, filter, orderBy, { ...page, max: ctx.maxPageSize }),
  milestone: (_parent, { id }, ctx) => ctx.loaders.milestone.load(id),
  milestones: (_parent, { filter, orderBy, ...page }, ctx) => listMilestones(ctx.db, filter, orderBy, { ...page, max: ctx.maxPageSize }),
  agency: (_parent, { id }, ctx) => ctx.loaders.agency.load(id),
  agencies: (_parent, { kind, ...page }, ctx) => listAgencies(ctx.db, kind, { ...page, max: ctx.maxPageSize }),
  province: (_parent, { code, asOf }, ctx) => findProvince(ctx.db, code, asOf),
  provinces: (_parent, { era }, ctx) => listProvinces(ctx.db, era),
  search: (_parent, { text, first }, ctx) => search(ctx.db, text, first),
  milestoneBreakdown: (_parent, { by, filter, count }, ctx) => milestoneBreakdown(ctx.db, by, filter, count ?? 'MILESTONES'),
  completionOverTime: (_parent, { filter }, ctx) => completionOverTime(ctx.db, filter),
};
