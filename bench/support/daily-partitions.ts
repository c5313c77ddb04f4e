import type { Db } from '../../storage/database.js';
import type { StoreTable } from '../../core/store-tables.js';
import { createPartition, readLayout } from '../../storage/partition-maintenance.js';
import { floorDay } from '../../storage/store-partitions.js';

const DAY = 86_400_000;

/**
 * One partition per UTC day of `table` for the days `first` to `last` (inclusive, counted from
 * the day of `around`), as the sweeper leaves a store after running that long; days that already
 * have theirs are left alone.
 */
export async function createDailyPartitions(db: Db, table: StoreTable, around: Date, first: number, last: number): Promise<void> {
  const today = floorDay(around).getTime();
  const existing = new Set((await readLayout(db, table)).attached.map((p) => p.lower.getTime()));
  for (let day = first; day <= last; day += 1) {
    const lower = new Date(today + day * DAY);
    if (!existing.has(lower.getTime())) await createPartition(db, table, { lower, upper: new Date(lower.getTime() + DAY) }, 5000);
  }
}
