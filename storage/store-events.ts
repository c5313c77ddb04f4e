import { EventEmitter } from 'node:events';
import type { StoreTable } from '../core/store-tables.js';

/** Counts of what storage did, for metrics: table names and outcomes only, never row contents. */
export interface StoreEvents {
  write: [table: StoreTable, stored: boolean];
}

export const storeEvents = new EventEmitter<StoreEvents>();
