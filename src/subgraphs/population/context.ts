import type { Principal } from '../../platform/identity/principal';
import type { Logger } from '../../platform/logger';
import type { AuditEntryDocument, AuditTrail } from './audit/audit-log';
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
  auditLog: Collection<AuditEntryDocument>;
  /** Largest page `auditEntries` may return. */
  maxPageSize: number;
}
