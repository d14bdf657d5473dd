import type { AuditEntryConnectionFieldResolvers, AuditEntryFieldResolvers } from '../../src/subgraphs/population/__generated__/resolvers-types';
import { connectionFields } from '../../src/platform/db/paginate';
import type { Role } from '../../src/platform/identity/principal';

export const AuditEntry: AuditEntryFieldResolvers = {
  id: (entry) => entry._id,
  at: (entry) => entry.atIso,
  role: (entry) => entry.role.toUpperCase() as Uppercase<Role>,
  // Entries written before these were stored: the subject itself, under an unnamed key.
  hashKeyId: (entry) => entry.hashKeyId ?? null,
  subjectRole: (entry) => entry.subjectRole ?? 'SUBJECT',
  // Entries written before the trail was chained have neither.
  chain: (entry) => entry.chain ?? null,
  seq: (entry) => entry.seq ?? null,
};

export const AuditEntryConnection: AuditEntryConnectionFieldResolvers = connectionFields();
