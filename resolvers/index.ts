import type { Resolvers } from '../src/__generated__/resolvers-types';
import { DateScalar } from '../src/scalars';
import { DirectiveConnection } from './connections';
import { Directive } from './Directive';
import { Query } from './Query';

export const resolvers: Resolvers = {
  Date: DateScalar,
  Query,
  Directive,
  DirectiveConnection,
};
