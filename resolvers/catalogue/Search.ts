import type { BreakdownBucketFieldResolvers, SearchResultFieldResolvers } from '../../src/subgraphs/catalogue/__generated__/resolvers-types';

export const SearchResult: SearchResultFieldResolvers = {
  // Stored documents differ by their own fields; each kind has one that no other has.
  __resolveType: (node) => ('idKey' in node ? 'Directive' : 'era' in node ? 'Province' : 'aliases' in node ? 'Agency' : 'Service'),
};

export const BreakdownBucket: BreakdownBucketFieldResolvers = {
  label: async (bucket, _args, ctx) => {
    if (bucket.key === null) return null;
    switch (bucket.by) {
      case 'LEAD_AGENCY':
      case 'LEAD_AGENCY_TODAY':
        return (await ctx.loaders.agency.load(bucket.key))?.name ?? null;
      case 'DIRECTIVE':
        return (await ctx.loaders.directive.load(bucket.key))?.title ?? null;
      case 'PROVINCE':
      case 'DONE_PROVINCE':
      case 'PILOT_PROVINCE':
        return (await ctx.loaders.province.load(bucket.key))?.name ?? null;
      default:
        return null;
    }
  },
};
