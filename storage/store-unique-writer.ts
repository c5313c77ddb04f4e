import { sql } from 'kysely';
import type { StoreContext } from './store-context.js';
import { physicalTable } from '../core/store-tables.js';
import { liveRow } from './retention-move.js';
import { writeStoreRow, type StoreWrite, type WriteResult } from './store-writer.js';

export type AtMostResult = WriteResult | { readonly stored: false; readonly reason: 'already_exists' };

/**
 * Writes a row unless the same subject already has a live row in that table for that flow
 * created at or after `since` (null: ever); preview rows count only for preview sessions and the
 * others only for the others, so trying a flow in the console never uses up a real entry. A transaction-level advisory lock on
 * (workspace, flow, table, subject) makes the check and the insert atomic across processes.
 *
 * The guarantee rests on that lock, not on a unique index, so it holds unchanged on the
 * partitioned stores (where a unique index would have to include `expires_at`, and two entries
 * with different expiries would both pass it). The check reads every partition whose rows are
 * live (`liveRow`); a retention move changes a row's partition in one statement, so the check
 * sees the row before or after the move, never neither.
 */
export async function writeStoreRowAtMost(
  ctx: StoreContext,
  workspaceId: string,
  write: StoreWrite & { subject: string; flowId: string },
  since: Date | null,
): Promise<AtMostResult> {
  const run = async (db: StoreContext['db']): Promise<AtMostResult> => {
    const scoped: StoreContext = { ...ctx, db, keyring: ctx.keyring.forDb(db) };
    const hash = await scoped.keyring.lookupHash(workspaceId, write.subject);
    const lockText = `${workspaceId}:${write.flowId}:${write.table}:${hash.toString('hex')}`;
    await sql`select pg_advisory_xact_lock(hashtextextended(${lockText}, 0))`.execute(db);
    const found = await sql<{ n: string }>`
      select count(*) as n from ${sql.table(physicalTable(write.table))}
      where workspace_id = ${workspaceId} and flow_id = ${write.flowId} and subject_hash = ${hash} and preview = ${write.preview ?? false}
        and ${liveRow(write.table, ctx.clock.now())} ${since ? sql`and created_at >= ${since}` : sql``}`.execute(db);
    if (Number(found.rows[0]!.n) > 0) return { stored: false, reason: 'already_exists' };
    return writeStoreRow(scoped, workspaceId, write);
  };
  return ctx.db.isTransaction ? run(ctx.db) : ctx.db.transaction().execute(run);
}

/** Live rows of one subject in a table of one flow, among preview rows or among the others. */
export async function countSubjectRows(ctx: StoreContext, workspaceId: string, table: StoreWrite['table'], flowId: string, subject: string, preview = false): Promise<number> {
  const hash = await ctx.keyring.lookupHash(workspaceId, subject);
  const found = await sql<{ n: string }>`
    select count(*) as n from ${sql.table(physicalTable(table))}
    where workspace_id = ${workspaceId} and flow_id = ${flowId} and subject_hash = ${hash} and preview = ${preview} and ${liveRow(table, ctx.clock.now())}`.execute(ctx.db);
  return Number(found.rows[0]!.n);
}
