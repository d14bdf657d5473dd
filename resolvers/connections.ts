import type { DirectiveConnectionResolvers } from '../src/__generated__/resolvers-types';

/** Resolvers shared by every `...Connection` type; the page comes from src/db/paginate. */
export const DirectiveConnection: DirectiveConnectionResolvers = {
  edges: (page) => page.nodes.map((node, index) => ({ node, cursor: page.cursors[index] ?? '' })),
  nodes: (page) => page.nodes,
  pageInfo: (page) => ({
    hasNextPage: page.hasNextPage,
    hasPreviousPage: page.hasPreviousPage,
    startCursor: page.cursors[0] ?? null,
    endCursor: page.cursors[page.cursors.length - 1] ?? null,
  }),
  totalCount: (page) => page.count(),
};
