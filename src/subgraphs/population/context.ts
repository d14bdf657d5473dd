import type { Principal } from '../../platform/identity/principal';
import type { Logger } from '../../platform/logger';
import type { AuditTrail } from './audit/audit-log';
import type { AuditPageDocument } from './audit/chain';
import type { PopulationLookups } from './connector/lookups';
import type { Collection } from 'mongodb';

/** What every population resolver receives: built once per request. */
export interface PopulationContext {
  log: Logger;
  requestId: string;
  /** The caller, as the gateway authenticated and signed it. */
  principal: Principal;
  /** Citizen lookups through the connector, batched and audited per request. */
  population: PopulationLookups;
  audit: AuditTrail;
  /** The trail's pages, read by `auditEntries` (audit/read.ts). */
  auditLog: Collection<AuditPageDocument>;
  /** Largest page `auditEntries` may return. */
  maxPageSize: number;
}
