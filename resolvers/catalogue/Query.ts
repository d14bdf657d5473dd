import { maybeCacheControlFromInfo } from '@apollo/cache-control-types';
import type { QueryFieldResolvers } from '../src/__generated__/resolvers-types';
import { completionOverTime, milestoneBreakdown } from '../src/catalogue/breakdown';
import { listDirectives } from '../src/catalogue/directives';
import { findProvince, listAgencies, listMilestones, listProvinces, listServices } from '../src/catalogue/lists';
import { search } from '../src/catalogue/search';
import { directiveIdKey } from '../src/search/fold';
import { CitizenQueries } from './Citizen';

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
  ...CitizenQueries,
};
