import type { Db } from '../../storage/database.js';
import { STORE_TABLES, type StoreTable } from '../../core/store-tables.js';
import { openDatabase } from '../../storage/database.js';
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

/**
 * Lays out every store table of the migrated database at `url` as the sweeper leaves it after
 * running `days` days (one partition per UTC day from today's on, env BENCH_PARTITION_DAYS in
 * the benches); returns the partition count of a store table.
 */
export async function layOutStores(url: string, days: number): Promise<number> {
  const handle = openDatabase(url, { max: 1 });
  try {
    for (const table of STORE_TABLES) await createDailyPartitions(handle.db, table, new Date(), 0, days - 1);
    return (await readLayout(handle.db, 'winners')).attached.length;
  } finally {
    await handle.close();
  }
}
