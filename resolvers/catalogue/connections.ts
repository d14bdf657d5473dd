import type {
  AgencyConnectionFieldResolvers,
  DirectiveConnectionFieldResolvers,
  MilestoneConnectionFieldResolvers,
  ServiceConnectionFieldResolvers,
} from '../../src/subgraphs/catalogue/__generated__/resolvers-types';
import { connectionFields } from '../../src/platform/db/paginate';

export const DirectiveConnection: DirectiveConnectionFieldResolvers = connectionFields();
export const ServiceConnection: ServiceConnectionFieldResolvers = connectionFields();
export const MilestoneConnection: MilestoneConnectionFieldResolvers = connectionFields();
export const AgencyConnection: AgencyConnectionFieldResolvers = connectionFields();
