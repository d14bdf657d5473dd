import type { AgencyConnectionResolvers, AuditEntryConnectionResolvers, DirectiveConnectionResolvers, MilestoneConnectionResolvers, ServiceConnectionResolvers } from '../src/__generated__/resolvers-types';
import type { Page } from '../src/db/paginate';

/** The fields every `...Connection` type has, resolved from a page of src/db/paginate. */
function connection<T>() {
  return {
    edges: (page: Page<T>) => page.nodes.map((node, index) => ({ node, cursor: page.cursors[index] ?? '' })),
    nodes: (page: Page<T>) => page.nodes,
    pageInfo: (page: Page<T>) => ({
      hasNextPage: page.hasNextPage,
      hasPreviousPage: page.hasPreviousPage,
      startCursor: page.cursors[0] ?? null,
      endCursor: page.cursors[page.cursors.length - 1] ?? null,
    }),
    totalCount: (page: Page<T>) => page.count(),
  };
}

export const DirectiveConnection: DirectiveConnectionResolvers = connection();
export const ServiceConnection: ServiceConnectionResolvers = connection();
export const MilestoneConnection: MilestoneConnectionResolvers = connection();
export const AgencyConnection: AgencyConnectionResolvers = connection();
export const AuditEntryConnection: AuditEntryConnectionResolvers = connection();
