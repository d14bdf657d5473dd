import type { QueryResolvers } from '../src/__generated__/resolvers-types';
import { listDirectives } from '../src/catalogue/directives';
import { directiveIdKey } from '../src/search/fold';

export const Query: QueryResolvers = {
  health: async (_parent, _args, ctx) => ({ database: await ctx.pingDatabase(), version: ctx.version }),
  directive: (_parent, { id }, ctx) => ctx.loaders.directiveByKey.load(directiveIdKey(id)),
  directives: (_parent, args, ctx) => listDirectives(ctx.db, args),
};
