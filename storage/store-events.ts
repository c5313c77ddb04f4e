import { EventEmitter } from 'node:events';
import type { StoreTable } from '../core/store-tables.js';

/** Counts of what storage did, for metrics: table names and outcomes only, never row contents. */
export interface StoreEvents {
  write: [table: StoreTable, stored: boolean];
  /** A group commit went out with this many transactions (see group-commit.ts). */
  group: [transactions: number];
  /** A group the server refused: this many transactions ran again, each alone. */
  groupRetried: [transactions: number];
}

export const storeEvents = new EventEmitter<StoreEvents>();
