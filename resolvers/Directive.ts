import type { DirectiveResolvers } from '../src/__generated__/resolvers-types';

export const Directive: DirectiveResolvers = {
  id: (directive) => directive._id,
};
