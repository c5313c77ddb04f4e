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
 * Lays out every store table as the sweeper leaves it after running `days` days: one partition
 * per UTC day from the day of `around` on (env BENCH_PARTITION_DAYS in the benches); returns the
 * partition count of a store table.
 */
export async function layOutStores(db: Db, around: Date, days: number): Promise<number> {
  for (const table of STORE_TABLES) await createDailyPartitions(db, table, around, 0, days - 1);
  return (await readLayout(db, 'winners')).attached.length;
}

/** `layOutStores` for the migrated database at `url`, around now, on a connection of its own. */
export async function layOutStoresAt(url: string, days: number): Promise<number> {
  const handle = openDatabase(url, { max: 1 });
  try {
    return await layOutStores(handle.db, new Date(), days);
  } finally {
    await handle.close();
  }
}
