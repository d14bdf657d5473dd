import type { Principal } from '../../platform/identity/principal';
import type { Logger } from '../../platform/logger';
import type { CatalogueCollections } from './collections';
import type { Loaders } from './loaders';

/** What every catalogue resolver receives: built once per request. */
export interface CatalogueContext {
  db: CatalogueCollections;
  loaders: Loaders;
  log: Logger;
  requestId: string;
  /** The caller, as the gateway authenticated and signed it. */
  principal: Principal;
  /** Largest page a connection may return in this request: MAX_PAGE_SIZE, or the export's page for CSV exports. */
  maxPageSize: number;
  /** Pings the database; used by `health`. */
  pingDatabase: () => Promise<boolean>;
  version: string;
}
