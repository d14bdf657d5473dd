import type { Resolvers } from '../src/__generated__/resolvers-types';
import { DateScalar } from '../src/scalars';
import { Agency, AgencySuccession } from './Agency';
import { Citizen, Residence } from './Citizen';
import { AgencyConnection, AuditEntryConnection, DirectiveConnection, MilestoneConnection, ServiceConnection } from './connections';
import { AuditEntry } from './Citizen';
import { Citation, CitedBy, Directive, Task } from './Directive';
import { Milestone, MilestoneStatus } from './Milestone';
import { Province } from './Province';
import { Query } from './Query';
import { BreakdownBucket, SearchResult } from './Search';
import { Service, ServiceName } from './Service';

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
  Residence,
  DirectiveConnection,
  ServiceConnection,
  MilestoneConnection,
  AgencyConnection,
  AuditEntryConnection,
  AuditEntry,
};
