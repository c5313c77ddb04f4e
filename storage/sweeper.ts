import { sql } from 'kysely';
import { randomUUID } from 'node:crypto';
import type { Db } from './database.js';
import { STORE_TABLES, physicalTable, type StoreTable } from '../core/store-tables.js';

export interface SweepOptions {
  /** Rows with `expires_at <= now` are deleted. */
  now: Date;
  /** Rows per batch; each batch is its own short transaction. */
  batchSize?: number;
  tables?: readonly StoreTable[];
  /** Stops between batches when aborted (graceful shutdown). */
  signal?: AbortSignal;
  /** The cron occurrence this sweep serves, recorded with its runs (one sweep per occurrence); absent for a manual sweep. */
  occurrence?: Date;
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
  readonly occurrence: Date | null;
  readonly tables: readonly TableSweep[];
  readonly rowsDeleted: number;
}

export const DEFAULT_SWEEP_BATCH = 5000;

/** Where a sweep of one table has got to: the last `(expires_at, id)` it deleted. */
export interface SweepCursor {
  readonly expiresAt: Date;
  readonly id: string;
}

/** An advisory-lock key per table, so one sweeper at a time works on a table. */
function lockKey(table: StoreTable): number {
  let hash = 0x5eed;
  for (const char of `parley-sweep:${table}`) hash = (Math.imul(hash, 31) + char.charCodeAt(0)) | 0;
  return hash;
}

/**
 * The SQL of one sweep batch. It walks the `(expires_at, id)` index from where the previous
 * batch stopped (so it never re-reads dead index entries), deletes up to `batchSize` rows by
 * ctid, and holds a transaction-level advisory lock for the table: a second sweep running at
 * the same time finds the lock taken, deletes nothing and leaves the table to the first one,
 * so nothing fails and nothing is counted twice. The batch commits without waiting for the WAL
 * flush (`synchronous_commit = off`, this transaction only): a crash can at worst forget the
 * last deletions, and the next sweep deletes those rows again.
 */
export function sweepBatchSql(table: StoreTable, now: Date, batchSize: number, after: SweepCursor | null) {
  const name = sql.table(physicalTable(table));
  const resume = after ? sql`and (expires_at, id) > (${after.expiresAt}, ${after.id})` : sql``;
  return sql<{ deleted: string; locked: boolean; last_expires_at: Date | null; last_id: string | null }>`
    with lock as (
      select pg_try_advisory_xact_lock(${lockKey(table)}) as ok,
        set_config('synchronous_commit', 'off', true) as relaxed
    ),
    batch as (
      select ctid as row_ctid, expires_at, id from ${name}
      where (select ok from lock) and expires_at <= ${now} ${resume}
      order by expires_at, id
      limit ${batchSize}
    ),
    gone as (
      delete from ${name} where ctid = any(array(select row_ctid from batch)) returning 1
    ),
    last as (select expires_at, id from batch order by expires_at desc, id desc limit 1)
    select (select count(*) from gone) as deleted, (select ok from lock) as locked,
      (select expires_at from last) as last_expires_at, (select id from last) as last_id`;
}

/**
 * Deletes expired rows table by table in bounded batches, then records one `sweep_runs` row per
 * table (counts and durations only, never row contents), under the occurrence it serves: an
 * occurrence has one recorded run at most.
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
    let cursor: SweepCursor | null = null;
    while (!options.signal?.aborted) {
      const result: { rows: Array<{ deleted: string; locked: boolean; last_expires_at: Date | null; last_id: string | null }> } = await sweepBatchSql(table, options.now, batchSize, cursor).execute(db);
      const row = result.rows[0];
      if (!row?.locked || !row.last_expires_at || !row.last_id) break;
      const deleted = Number(row.deleted);
      rowsDeleted += deleted;
      if (deleted > 0) batches += 1;
      cursor = { expiresAt: row.last_expires_at, id: row.last_id };
    }
    tables.push({ table, rowsDeleted, batches, durationMs: Math.round(performance.now() - began) });
  }
  await db
    .insertInto('sweep_runs')
    .values(tables.map((t) => ({ run_id: runId, table_name: t.table, rows_deleted: t.rowsDeleted, batches: t.batches, started_at: startedAt, duration_ms: t.durationMs, occurrence_at: options.occurrence ?? null })))
    .onConflict((oc) => oc.columns(['occurrence_at', 'table_name']).where('occurrence_at', 'is not', null).doNothing())
    .execute();
  return { runId, startedAt, occurrence: options.occurrence ?? null, tables, rowsDeleted: tables.reduce((n, t) => n + t.rowsDeleted, 0) };
}
