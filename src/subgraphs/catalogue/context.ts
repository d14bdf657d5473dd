import type { AuditEntryDocument, AuditTrail } from './audit/audit-log';
import type { Collection } from 'mongodb';
import type { Principal } from './auth/principal';
import type { PopulationLookups } from './connectors/population/lookups';
import type { Collections } from './db/collections';
import type { Loaders } from './loaders';
import type { Logger } from './logger';

/** What every resolver receives: built once per request. */
export interface GatewayContext {
  db: Collections;
  loaders: Loaders;
  log: Logger;
  requestId: string;
  /** The caller, from the API key (public without one). */
  principal: Principal;
  /** Citizen lookups through the population connector, batched and audited per request. */
  population: PopulationLookups;
  audit: AuditTrail;
  auditLog: Collection<AuditEntryDocument>;
  /** Largest page a connection may return in this request: MAX_PAGE_SIZE, or more for CSV exports. */
  maxPageSize: number;
  /** Pings the database; used by `health`. */
  pingDatabase: () => Promise<boolean>;
  version: string;
}
