import type { Resolvers } from '../../src/subgraphs/population/__generated__/resolvers-types';
import { DateScalar } from '../../src/platform/scalars';
import { AuditEntry, AuditEntryConnection } from './AuditEntry';
import { Citizen, HouseholdHead, Residence } from './Citizen';
import { Query } from './Query';

/** The population subgraph's resolvers, one file per type. */
export const resolvers: Resolvers = {
  Date: DateScalar,
  Query,
  Citizen,
  Residence,
  HouseholdHead,
  AuditEntry,
  AuditEntryConnection,
};
