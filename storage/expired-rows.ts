import { sql } from 'kysely';
import type { Db } from './database.js';

/**
 * Tables outside the store tables whose rows carry their own `expires_at` (indexed with the row's
 * id) and go when it passes: chat sessions (their variables, sealed personal values and device),
 * one-time download links, and the webhook delivery log.
 */
export type ExpiringTable = 'chat_sessions' | 'downloads' | 'webhook_deliveries' | 'webhook_events';

/**
 * Deletes the rows of `table` whose `expires_at` is at or before `now`, oldest first, in batches of
 * `batchSize` (each its own short statement, so no lock is held long); stops between batches when
 * `signal` aborts. Returns how many rows went.
 */
export async function purgeExpiredRows(db: Db, table: ExpiringTable, now: Date, batchSize: number, signal?: AbortSignal): Promise<number> {
  let removed = 0;
  while (!signal?.aborted) {
    const result = await sql`
      delete from ${sql.table(table)} where id = any(array(
        select id from ${sql.table(table)} where expires_at <= ${now} order by expires_at limit ${batchSize}))`.execute(db);
    const deleted = Number(result.numAffectedRows ?? 0);
    removed += deleted;
    if (deleted < batchSize) break;
  }
  return removed;
}
