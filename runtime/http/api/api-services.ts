import type { Clock } from '../../clock.js';
import type { Logger } from '../../logger.js';
import type { Storage } from '../../../storage/storage.js';

/** What admin API handlers may use. Grows as features land; handlers never see a pool. */
export interface ApiServices {
  readonly storage: Storage;
  readonly clock: Clock;
  readonly logger: Logger;
}
