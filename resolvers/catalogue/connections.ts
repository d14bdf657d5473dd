import type { AgencyConnectionFieldResolvers, AuditEntryConnectionFieldResolvers, DirectiveConnectionFieldResolvers, MilestoneConnectionFieldResolvers, ServiceConnectionFieldResolvers } from '../src/__generated__/resolvers-types';
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

export const DirectiveConnection: DirectiveConnectionFieldResolvers = connection();
export const ServiceConnection: ServiceConnectionFieldResolvers = connection();
export const MilestoneConnection: MilestoneConnectionFieldResolvers = connection();
export const AgencyConnection: AgencyConnectionFieldResolvers = connection();
export const AuditEntryConnection: AuditEntryConnectionFieldResolvers = connection();
