import { sql, type RawBuilder } from 'kysely';
import type { Db } from './database.js';
import { effectiveRetentionDays, expiryFrom } from './retention-sql.js';
import { STORE_TABLES, isStoreTable, physicalTable, type StoreTable } from '../core/store-tables.js';
import { raiseSubjectLedgerExpiry } from './subject-ledger.js';

/**
 * Retention changes on partitioned stores. A row's partition follows its `expires_at`, so a
 * new retention moves rows between partitions. That is done in bounded batches (each its own
 * short transaction, like the sweeper's), never as one transaction over every table.
 *
 * While a move runs, `store_retention_moves` holds one row per (workspace, table), written in
 * the same transaction as the new retention, and every read filters with `liveRow`: a row the
 * new retention has already ended is hidden at once, before its batch reaches it. The sweeper
 * finishes moves that a crash or restart interrupted.
 */

export const DEFAULT_MOVE_BATCH = 2000;

interface MoveBatch {
  seen: string;
  moved: string;
  last_created_at: Date | null;
  last_id: string | null;
}

/**
 * The read-time liveness of a store row: not expired, and not ended by a retention change
 * whose move is still running. `alias` names the row's table in the query (default: the
 * physical table name).
 *
 * @example sql`select * from store_codes where workspace_id = ${id} and ${liveRow('codes', now)}`
 */
export function liveRow(table: StoreTable, now: Date, alias: string = physicalTable(table)): RawBuilder<boolean> {
  const ref = (column: string) => sql.ref(`${alias}.${column}`);
  // Aliases no caller uses, so `alias` (often `w` or `c`) still names the caller's row inside.
  const days = effectiveRetentionDays(sql`live_ws.retention`, table, ref('module_id'), ref('default_retention_days'));
  return sql<boolean>`(${ref('expires_at')} > ${now} and not exists (
    select 1 from store_retention_moves live_move join workspaces live_ws on live_ws.id = live_move.workspace_id
    where live_move.workspace_id = ${ref('workspace_id')} and live_move.table_name = ${table}
      and ${expiryFrom(ref('created_at'), days)} <= ${now}))`;
}

/**
 * Records a pending move of every store table of the workspace, and raises the subject ledger's
 * bounds to the new retention; call it in the transaction that changes the retention, after the change.
 */
export async function startRetentionMoves(db: Db, workspaceId: string, now: Date): Promise<void> {
  await raiseSubjectLedgerExpiry(db, workspaceId);
  await sql`
    insert into store_retention_moves (workspace_id, table_name, started_at)
    select ${workspaceId}, t, ${now} from unnest(${[...STORE_TABLES]}::text[]) t
    on conflict (workspace_id, table_name) do update set started_at = excluded.started_at`.execute(db);
}

function moveLockKey(workspaceId: string, table: StoreTable) {
  return sql`hashtextextended(${`parley-retention-move:${workspaceId}:${table}`}, 0)`;
}

/**
 * Gives the live rows of one workspace's table their expiry under the current retention, in
 * batches of `batchSize` rows walked along `(created_at, id)`, then clears the pending move
 * (unless a newer change restarted it meanwhile). Rows already expired stay so. Returns the
 * rows moved, or null when another process is running this move.
 */
export async function runRetentionMove(
  db: Db,
  workspaceId: string,
  table: StoreTable,
  now: Date,
  options: { batchSize?: number; signal?: AbortSignal } = {},
): Promise<number | null> {
  const batchSize = options.batchSize ?? DEFAULT_MOVE_BATCH;
  const name = sql.table(physicalTable(table));
  return db.connection().execute(async (conn) => {
    const locked = await sql<{ ok: boolean }>`select pg_try_advisory_lock(${moveLockKey(workspaceId, table)}) as ok`.execute(conn);
    if (!locked.rows[0]?.ok) return null;
    try {
      const pending = await sql<{ started_at: Date }>`
        select started_at from store_retention_moves where workspace_id = ${workspaceId} and table_name = ${table}`.execute(conn);
      const startedAt = pending.rows[0]?.started_at;
      if (!startedAt) return 0;
      let moved = 0;
      let cursor: { createdAt: Date; id: string } | null = null;
      while (!options.signal?.aborted) {
        const days = effectiveRetentionDays(sql`w.retention`, table, sql`t.module_id`, sql`t.default_retention_days`);
        const after: RawBuilder<unknown> = cursor ? sql`and (created_at, id) > (${cursor.createdAt}, ${cursor.id})` : sql``;
        const result: { rows: MoveBatch[] } = await sql<MoveBatch>`
          with batch as (
            select id, expires_at, created_at from ${name}
            where workspace_id = ${workspaceId} ${after}
            order by created_at, id limit ${batchSize}
          ),
          moved as (
            update ${name} as t set expires_at = ${expiryFrom(sql`t.created_at`, days)}
            from workspaces w, batch b
            where w.id = t.workspace_id and t.id = b.id and t.expires_at = b.expires_at and t.workspace_id = ${workspaceId}
              and t.expires_at > ${now} and t.expires_at <> ${expiryFrom(sql`t.created_at`, days)}
            returning 1
          ),
          last as (select created_at, id from batch order by created_at desc, id desc limit 1)
          select (select count(*) from batch) as seen, (select count(*) from moved) as moved,
            (select created_at from last) as last_created_at, (select id from last) as last_id`.execute(conn);
        const row = result.rows[0];
        moved += Number(row?.moved ?? 0);
        if (!row?.last_created_at || !row.last_id) break;
        cursor = { createdAt: row.last_created_at, id: row.last_id };
      }
      if (!options.signal?.aborted) {
        await raiseSubjectLedgerExpiry(conn, workspaceId, [table]);
        await sql`
          delete from store_retention_moves
          where workspace_id = ${workspaceId} and table_name = ${table} and started_at = ${startedAt}`.execute(conn);
      }
      return moved;
    } finally {
      await sql`select pg_advisory_unlock(${moveLockKey(workspaceId, table)})`.execute(conn);
    }
  });
}

/** Runs every pending move (after a settings change, or left over by a crash). */
export async function resumeRetentionMoves(db: Db, now: Date, options: { batchSize?: number; signal?: AbortSignal; workspaceId?: string } = {}): Promise<void> {
  const pending = await sql<{ workspace_id: string; table_name: string }>`
    select workspace_id, table_name from store_retention_moves
    ${options.workspaceId ? sql`where workspace_id = ${options.workspaceId}` : sql``}
    order by started_at`.execute(db);
  for (const move of pending.rows) {
    if (options.signal?.aborted) return;
    if (isStoreTable(move.table_name)) await runRetentionMove(db, move.workspace_id, move.table_name, now, options);
  }
}
