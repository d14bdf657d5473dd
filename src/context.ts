import type { Collections } from './db/collections';
import type { Loaders } from './loaders';
import type { Logger } from './logger';

/** What every resolver receives: built once per request. */
export interface GatewayContext {
  db: Collections;
  loaders: Loaders;
  log: Logger;
  requestId: string;
  /** Pings the database; used by `health`. */
  pingDatabase: () => Promise<boolean>;
  version: string;
}
