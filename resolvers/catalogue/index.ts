import type { Resolvers } from '../../src/subgraphs/catalogue/__generated__/resolvers-types';
import { DateScalar } from '../../src/platform/scalars';
import { Agency, AgencySuccession } from './Agency';
import { Citizen } from './Citizen';
import { AgencyConnection, DirectiveConnection, MilestoneConnection, ServiceConnection } from './connections';
import { Citation, CitedBy, Directive, Task } from './Directive';
import { Milestone, MilestoneStatus } from './Milestone';
import { Province } from './Province';
import { Query } from './Query';
import { BreakdownBucket, SearchResult } from './Search';
import { Service, ServiceName } from './Service';

/** The catalogue subgraph's resolvers, one file per type. */
export const resolvers: Resolvers = {
  Date: DateScalar,
  Query,
  Directive,
  Citation,
  CitedBy,
  Task,
  Service,
  ServiceName,
  Milestone,
  MilestoneStatus,
  Agency,
  AgencySuccession,
  Province,
  SearchResult,
  BreakdownBucket,
  Citizen,
  DirectiveConnection,
  ServiceConnection,
  MilestoneConnection,
  AgencyConnection,
};
