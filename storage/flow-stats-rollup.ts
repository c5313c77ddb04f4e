import { sql } from 'kysely';
import type { Db } from './database.js';
import { addToDaily, MARK_PENDING, rowDeltaCte, sessionDeltaCtes, type RowStatisticSource } from './flow-stats-sql.js';

/**
 * How long after its clock reading a turn may still be committing. The rollup leaves sessions
 * updated and rows created within this margin of its start to the next run's window, so a write
 * that commits late is never skipped.
 */
export const ROLLUP_SETTLE_MS = 15 * 60_000;

export const DEFAULT_ROLLUP_BATCH = 2000;

/** An advisory-lock key of its own: one rollup batch at a time across processes. */
const LOCK_KEY = 0x5eed_57a7;

export interface RollupOptions {
  readonly now: Date;
  /** The store rows that count (from the modules' `statistics`). */
  readonly sources: readonly RowStatisticSource[];
  /** Sessions per batch; each batch is its own short transaction. */
  readonly batchSize?: number;
}

export interface RollupReport {
  /** Sessions whose contribution changed and was added. */
  readonly sessions: number;
  /** Flow-day groups of store rows added. */
  readonly rowGroups: number;
}

/**
 * Adds to `flow_stats_daily` what changed since the last rollup, so the counts outlive the
 * sessions and store rows they come from (run it before any can expire: the sweep runs it
 * first). Idempotent and exact whatever runs it how often: a session is counted as the
 * difference between what it contributes now and what `flow_stats_sessions` says it contributed
 * (written in the same statement), and store rows once, by a watermark moved in the statement
 * that counts them; batches hold a transaction-level advisory lock, so two rollups take turns.
 * Nothing here runs on a chat turn: the turn only writes its session (with `steps_seen`) and rows.
 */
export async function rollUpFlowStats(db: Db, options: RollupOptions): Promise<RollupReport> {
  const settled = new Date(options.now.getTime() - ROLLUP_SETTLE_MS);
  const batchSize = options.batchSize ?? DEFAULT_ROLLUP_BATCH;
  const rowGroups = await locked(db, async (trx) => {
    const result = await sql<{ groups: number }>`
      with bounds as (select rows_until as lower from flow_stats_rollups where rows_until < ${settled}),
      ${rowDeltaCte(options.sources, 'all', sql`(select lower from bounds)`, sql`${settled}::timestamptz`)},
      applied as (${addToDaily(sql`select * from row_deltas`)} returning 1),
      moved as (update flow_stats_rollups set rows_until = ${settled} where exists (select 1 from bounds) returning 1)
      select (select count(*) from applied)::int as groups`.execute(trx);
    return result.rows[0]?.groups ?? 0;
  });
  let sessions = 0;
  for (;;) {
    const changed = await locked(db, async (trx) => {
      const result = await sql<{ sessions: number }>`
        with ${sessionDeltaCtes('all', batchSize)},
        applied as (${addToDaily(sql`select * from session_deltas`)} returning 1),
        ${MARK_PENDING}
        select (select count(*) from marked)::int as sessions`.execute(trx);
      return result.rows[0]?.sessions ?? 0;
    });
    sessions += changed;
    if (changed < batchSize) break;
  }
  await sql`update flow_stats_rollups set sessions_since = greatest(sessions_since, ${settled})`.execute(db);
  return { sessions, rowGroups };
}

async function locked<T>(db: Db, work: (trx: Db) => Promise<T>): Promise<T> {
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(${LOCK_KEY})`.execute(trx);
    return work(trx);
  });
}
