import { sql } from 'kysely';
import { randomUUID } from 'node:crypto';
import type { Db } from './database.js';
import { STORE_TABLES, type StoreTable } from '../core/store-tables.js';
import { classifyPartitions, defaultPartitionName } from './store-partitions.js';
import { cascadeAfterDelete } from './store-cascade.js';
import { createAhead, dropPartitions, readLayout } from './partition-maintenance.js';
import { resumeRetentionMoves } from './retention-move.js';
import { sweepWebhookLog } from './webhook-delivery-repository.js';
import { sweepSubjectLedger } from './subject-ledger.js';
import { purgeExpiredRows, trimOperationalLog } from './expired-rows.js';
import { purgeAudit } from './audit-repository.js';

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
  /** Expired rows removed: deleted by batches plus those of dropped partitions. */
  readonly rowsDeleted: number;
  /** Delete batches that removed rows. */
  readonly batches: number;
  readonly partitionsDropped: number;
  readonly partitionsCreated: number;
  readonly durationMs: number;
}

export interface SweepReport {
  readonly runId: string;
  readonly startedAt: Date;
  readonly occurrence: Date | null;
  readonly tables: readonly TableSweep[];
  readonly rowsDeleted: number;
  /** Expired webhook events and deliveries (the delivery log) removed. */
  readonly webhookLogRowsDeleted: number;
  /** Subject ledger rows (subject-ledger.ts) whose bound had passed, removed. */
  readonly subjectLedgerRowsDeleted: number;
  /** Expired chat sessions (their variables, sealed personal values and device facts) removed. */
  readonly sessionsDeleted: number;
  /** Expired one-time download links removed. */
  readonly downloadLinksDeleted: number;
  /** Rows of the sweeps' run log and claimed cron occurrences past `OPERATIONAL_LOG_DAYS`, removed. */
  readonly operationalLogRowsDeleted: number;
  /** Audit log entries older than their workspace keeps them, removed. */
  readonly auditRowsDeleted: number;
}

export const DEFAULT_SWEEP_BATCH = 5000;

interface SweepBatchRow {
  deleted: string;
  last_expires_at: Date | null;
  last_id: string | null;
}

/** Where a sweep of one partition has got to: the last `(expires_at, id)` it deleted. */
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
 * The SQL of one sweep batch in one partition (`relation`). It walks the `(expires_at, id)`
 * index from where the previous batch stopped (so it never re-reads dead index entries) and
 * deletes up to `batchSize` rows by ctid (unique within one partition). Consent rows take their
 * confirmations along. The batch commits without waiting for the WAL flush
 * (`synchronous_commit = off`, this transaction only): a crash can at worst forget the last
 * deletions, and the next sweep deletes those rows again.
 */
export function sweepBatchSql(table: StoreTable, relation: string, now: Date, batchSize: number, after: SweepCursor | null) {
  const name = sql.table(relation);
  const resume = after ? sql`and (expires_at, id) > (${after.expiresAt}, ${after.id})` : sql``;
  return sql<SweepBatchRow>`
    with relaxed as (select set_config('synchronous_commit', 'off', true)),
    batch as (
      select ctid as row_ctid, expires_at, id from ${name}
      where expires_at <= ${now} ${resume} and (select true from relaxed)
      order by expires_at, id
      limit ${batchSize}
    ),
    gone as (
      delete from ${name} where ctid = any(array(select row_ctid from batch)) returning id
    )${cascadeAfterDelete(table)},
    last as (select expires_at, id from batch order by expires_at desc, id desc limit 1)
    select (select count(*) from gone) as deleted,
      (select expires_at from last) as last_expires_at, (select id from last) as last_id`;
}

/** Deletes the expired rows of one partition (or any store-shaped table) in bounded batches. */
export async function sweepRelation(db: Db, table: StoreTable, relation: string, options: SweepOptions, batchSize: number): Promise<{ rows: number; batches: number }> {
  let rows = 0;
  let batches = 0;
  let cursor: SweepCursor | null = null;
  while (!options.signal?.aborted) {
    const result: { rows: SweepBatchRow[] } = await sweepBatchSql(table, relation, options.now, batchSize, cursor).execute(db);
    const row = result.rows[0];
    if (!row?.last_expires_at || !row.last_id) break;
    const deleted = Number(row.deleted);
    rows += deleted;
    if (deleted > 0) batches += 1;
    cursor = { expiresAt: row.last_expires_at, id: row.last_id };
  }
  return { rows, batches };
}

/**
 * One table's maintenance, holding its advisory lock for the whole pass on one connection (a
 * second sweeper finds it taken and leaves the table alone; the lock dies with the session if
 * the process is killed): drop the partitions whose range has passed, delete the expired rows
 * of the current partition and of the default one by batches, create partitions ahead.
 */
async function sweepTable(db: Db, table: StoreTable, options: SweepOptions, batchSize: number): Promise<TableSweep | undefined> {
  return db.connection().execute(async (conn) => {
    const locked = await sql<{ ok: boolean }>`select pg_try_advisory_lock(${lockKey(table)}) as ok`.execute(conn);
    if (!locked.rows[0]?.ok) return undefined;
    try {
      const began = performance.now();
      const { passed, current } = classifyPartitions((await readLayout(conn, table)).attached, options.now);
      // Locks not had in time (a long reader): the rows stay hidden, the next sweep drops them.
      const dropped = await dropPartitions(conn, table, passed, options.signal);
      let rowsDeleted = dropped.rows;
      let batches = 0;
      for (const relation of [...current.map((p) => p.name), defaultPartitionName(table)]) {
        const swept = await sweepRelation(conn, table, relation, options, batchSize);
        rowsDeleted += swept.rows;
        batches += swept.batches;
      }
      const partitionsCreated = options.signal?.aborted ? 0 : await createAhead(conn, table, options.now, batchSize);
      return { table, rowsDeleted, batches, partitionsDropped: dropped.partitions, partitionsCreated, durationMs: Math.round(performance.now() - began) };
    } finally {
      await sql`select pg_advisory_unlock(${lockKey(table)})`.execute(conn);
    }
  });
}

/**
 * Finishes interrupted retention moves, then sweeps table by table (see `sweepTable`), purges the
 * expired webhook delivery log, subject ledger rows, chat sessions, download links and audit
 * entries, and trims the operational log (unless only some `tables` were asked for), and
 * records one `sweep_runs` row per table (counts and durations only, never row contents), under
 * the occurrence it serves: an occurrence has one recorded run at most.
 */
export async function sweepExpired(db: Db, options: SweepOptions): Promise<SweepReport> {
  const batchSize = options.batchSize ?? DEFAULT_SWEEP_BATCH;
  const runId = randomUUID();
  const startedAt = new Date();
  await resumeRetentionMoves(db, options.now, { batchSize, signal: options.signal });
  const tables: TableSweep[] = [];
  for (const table of options.tables ?? STORE_TABLES) {
    // A table another sweeper holds is left to it and recorded with nothing removed.
    const swept = await sweepTable(db, table, options, batchSize);
    tables.push(swept ?? { table, rowsDeleted: 0, batches: 0, partitionsDropped: 0, partitionsCreated: 0, durationMs: 0 });
  }
  const webhookLogRowsDeleted = options.tables ? 0 : await sweepWebhookLog(db, options.now, batchSize, options.signal);
  const subjectLedgerRowsDeleted = options.tables ? 0 : await sweepSubjectLedger(db, options.now, batchSize, options.signal);
  // A session lives as long as the variables retention after its last turn; its statistics were rolled up before (sweep-job.ts).
  const sessionsDeleted = options.tables ? 0 : await purgeExpiredRows(db, 'chat_sessions', options.now, batchSize, options.signal);
  const downloadLinksDeleted = options.tables ? 0 : await purgeExpiredRows(db, 'downloads', options.now, batchSize, options.signal);
  const operationalLogRowsDeleted = options.tables ? 0 : await trimOperationalLog(db, options.now, batchSize, options.signal);
  const auditRowsDeleted = options.tables ? 0 : await purgeAudit(db, options.now, batchSize, options.signal);
  await db
    .insertInto('sweep_runs')
    .values(tables.map((t) => ({ run_id: runId, table_name: t.table, rows_deleted: t.rowsDeleted, batches: t.batches, started_at: startedAt, duration_ms: t.durationMs, occurrence_at: options.occurrence ?? null })))
    .onConflict((oc) => oc.columns(['occurrence_at', 'table_name']).where('occurrence_at', 'is not', null).doNothing())
    .execute();
  return { runId, startedAt, occurrence: options.occurrence ?? null, tables, rowsDeleted: tables.reduce((n, t) => n + t.rowsDeleted, 0), webhookLogRowsDeleted, subjectLedgerRowsDeleted, sessionsDeleted, downloadLinksDeleted, operationalLogRowsDeleted, auditRowsDeleted };
}

