import { sql } from 'kysely';
import { inTransaction, type StoreContext } from './store-context.js';
import { STORE_TABLES, physicalTable, type StoreTable } from '../core/store-tables.js';
import { cascadeAfterDelete } from './store-cascade.js';
import { liveRow } from './retention-move.js';
import { forgetSubjectLedger } from './subject-ledger.js';
import { aboutSubject, subjectSessionIds } from './store-reader.js';

/** Deletes one row by hand. Returns false when no live row of this workspace has that id. */
export async function deleteStoreRow(ctx: StoreContext, workspaceId: string, table: StoreTable, id: string): Promise<boolean> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return false;
  const result = await sql<{ n: string }>`
    with gone as (
      delete from ${sql.table(physicalTable(table))}
      where id = ${id} and workspace_id = ${workspaceId} and ${liveRow(table, ctx.clock.now())}
      returning id
    )${cascadeAfterDelete(table)}
    select count(*) as n from gone`.execute(ctx.db);
  return Number(result.rows[0]?.n ?? 0) > 0;
}

/**
 * Deletes every row of one table for a workspace (only those one flow stored, with `flowId`), and
 * their subject ledger; returns how many rows went.
 */
export async function deleteAllStoreRows(ctx: StoreContext, workspaceId: string, table: StoreTable, flowId?: string): Promise<number> {
  return inTransaction(ctx, async (trx) => {
    const ofFlow = flowId === undefined ? sql`` : sql`and flow_id = ${flowId}`;
    // The ledger first: a row a turn commits in between keeps the ledger row it writes, still an upper bound.
    await forgetSubjectLedger(trx.db, workspaceId, { table, flowId });
    const result = await sql<{ n: string }>`
      with gone as (delete from ${sql.table(physicalTable(table))} where workspace_id = ${workspaceId} ${ofFlow} returning id)${cascadeAfterDelete(table)}
      select count(*) as n from gone`.execute(trx.db);
    return Number(result.rows[0]?.n ?? 0);
  });
}

/**
 * Erases everything stored about one data subject, in every table, the subject ledger and their requests for a
 * withdrawal link, and the chat sessions those rows came from (their variables may hold the same personal data);
 * returns counts per table.
 */
export async function eraseSubjectRows(ctx: StoreContext, workspaceId: string, subject: string): Promise<Record<StoreTable | 'sessions', number>> {
  const hash = await ctx.keyring.lookupHash(workspaceId, subject);
  const counts = {} as Record<StoreTable | 'sessions', number>;
  await ctx.db.transaction().execute(async (trx) => {
    const sessions = new Set(await subjectSessionIds(trx, workspaceId, hash));
    for (const table of STORE_TABLES) {
      const result = await sql<{ session_id: string | null }>`
        with gone as (
          delete from ${sql.table(physicalTable(table))}
          where workspace_id = ${workspaceId} and ${aboutSubject(hash, [...sessions])}
          returning id, session_id
        )${cascadeAfterDelete(table)}
        select session_id from gone`.execute(trx);
      counts[table] = result.rows.length;
      for (const row of result.rows) if (row.session_id) sessions.add(row.session_id);
    }
    const gone = sessions.size === 0 ? { numAffectedRows: 0n } : await sql`
      delete from chat_sessions where workspace_id = ${workspaceId} and id = any(${[...sessions]}::uuid[])`.execute(trx);
    counts.sessions = Number(gone.numAffectedRows ?? 0);
    await forgetSubjectLedger(trx, workspaceId, { hash });
    await sql`delete from consent_withdrawal_requests where workspace_id = ${workspaceId} and subject_hash = ${hash}`.execute(trx);
  });
  return counts;
}
