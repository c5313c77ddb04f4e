import { sql } from 'kysely';
import { randomUUID } from 'node:crypto';
import type { Db } from './database.js';
import { STORE_TABLES, physicalTable, type StoreTable } from './store-tables.js';

export interface SweepOptions {
  /** Rows with `expires_at <= now` are deleted. */
  now: Date;
  /** Rows per batch; each batch is its own short transaction. */
  batchSize?: number;
  tables?: readonly StoreTable[];
  /** Stops between batches when aborted (graceful shutdown). */
  signal?: AbortSignal;
}

export interface TableSweep {
  readonly table: StoreTable;
  readonly rowsDeleted: number;
  readonly batches: number;
  readonly durationMs: number;
}

export interface SweepReport {
  readonly runId: string;
  readonly startedAt: Date;
  readonly tables: readonly TableSweep[];
  readonly rowsDeleted: number;
}

export const DEFAULT_SWEEP_BATCH = 5000;

/**
 * The SQL of one sweep batch: up to `batchSize` expired rows, locked with SKIP LOCKED so two
 * sweeps at once never wait on each other nor delete (and count) the same row twice.
 */
export function sweepBatchSql(table: StoreTable, now: Date, batchSize: number) {
  const name = sql.table(physicalTable(table));
  return sql`
    delete from ${name}
    where ctid = any(array(
      select ctid from ${name}
      where expires_at <= ${now}
      limit ${batchSize}
      for update skip locked
    ))`;
}

/**
 * Deletes expired rows table by table in bounded batches, then records one `sweep_runs` row per
 * table (counts and durations only, never row contents).
 */
export async function sweepExpired(db: Db, options: SweepOptions): Promise<SweepReport> {
  const batchSize = options.batchSize ?? DEFAULT_SWEEP_BATCH;
  const runId = randomUUID();
  const startedAt = new Date();
  const tables: TableSweep[] = [];
  for (const table of options.tables ?? STORE_TABLES) {
    const began = performance.now();
    let rowsDeleted = 0;
    let batches = 0;
    while (!options.signal?.aborted) {
      const result = await sweepBatchSql(table, options.now, batchSize).execute(db);
      const deleted = Number(result.numAffectedRows ?? 0);
      if (deleted === 0) break;
      rowsDeleted += deleted;
      batches += 1;
      if (deleted < batchSize) break;
    }
    tables.push({ table, rowsDeleted, batches, durationMs: Math.round(performance.now() - began) });
  }
  await db
    .insertInto('sweep_runs')
    .values(tables.map((t) => ({ run_id: runId, table_name: t.table, rows_deleted: t.rowsDeleted, batches: t.batches, started_at: startedAt, duration_ms: t.durationMs })))
    .execute();
  return { runId, startedAt, tables, rowsDeleted: tables.reduce((n, t) => n + t.rowsDeleted, 0) };
}
