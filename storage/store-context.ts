import type { Clock } from '../runtime/clock.js';
import type { Keyring } from './crypto/keyring.js';
import type { Db } from './database.js';

/** What every store operation needs: the database, the workspace keys and the clock. */
export interface StoreContext {
  readonly db: Db;
  readonly keyring: Keyring;
  readonly clock: Clock;
}
