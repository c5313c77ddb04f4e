import { sql, type RawBuilder } from 'kysely';
import type { Db } from './database.js';

/**
 * Tables outside the store tables that the sweep trims, each by the (indexed) instant its rows
 * end at: chat sessions (their variables, sealed personal values and device facts), one-time
 * download links, the webhook delivery log and the subject ledger by their `expires_at`; the sweeps' own run log and
 * the claimed cron occurrences by when they happened (see `OPERATIONAL_LOG_DAYS`).
 */
export const TRIMMED_TABLES = {
  chat_sessions: 'expires_at',
  downloads: 'expires_at',
  webhook_deliveries: 'expires_at',
  webhook_events: 'expires_at',
  store_subjects: 'expires_at',
  sweep_runs: 'started_at',
  cron_occurrences: 'occurrence_at',
} as const;

export type TrimmedTable = keyof typeof TRIMMED_TABLES;

/**
 * Days the sweeps' run log and the claimed cron occurrences are kept: every minute adds a row
 * per store table and per cron job, and no queued job (pg-boss keeps them 14 days) can fire an
 * occurrence this old again.
 */
export const OPERATIONAL_LOG_DAYS = 30;

/**
 * Runs `batch` (a DELETE of at most `batchSize` rows, each its own short statement, so no lock is
 * held long) until one removes fewer than `batchSize`; stops between batches when `signal`
 * aborts. Returns how many rows went.
 */
export async function deleteInBatches(db: Db, batch: () => RawBuilder<unknown>, batchSize: number, signal?: AbortSignal): Promise<number> {
  let removed = 0;
  while (!signal?.aborted) {
    const deleted = Number((await batch().execute(db)).numAffectedRows ?? 0);
    removed += deleted;
    if (deleted < batchSize) break;
  }
  return removed;
}

/** Deletes the rows of `table` that ended at or before `until`, oldest first, in batches of `batchSize` (see `deleteInBatches`). */
export async function purgeExpiredRows(db: Db, table: TrimmedTable, until: Date, batchSize: number, signal?: AbortSignal): Promise<number> {
  const column = sql.ref(TRIMMED_TABLES[table]);
  return deleteInBatches(db, () => sql`
    delete from ${sql.table(table)} where ctid = any(array(
      select ctid from ${sql.table(table)} where ${column} <= ${until} order by ${column} limit ${batchSize}))`, batchSize, signal);
}

/** Trims the sweeps' run log and the claimed cron occurrences to the last `OPERATIONAL_LOG_DAYS`; returns the rows removed. */
export async function trimOperationalLog(db: Db, now: Date, batchSize: number, signal?: AbortSignal): Promise<number> {
  const until = new Date(now.getTime() - OPERATIONAL_LOG_DAYS * 86_400_000);
  return (await purgeExpiredRows(db, 'sweep_runs', until, batchSize, signal)) + (await purgeExpiredRows(db, 'cron_occurrences', until, batchSize, signal));
}
