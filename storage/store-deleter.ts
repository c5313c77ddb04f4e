import { sql } from 'kysely';
import { inTransaction, type StoreContext } from './store-context.js';
import { physicalTable, type StoreTable } from '../core/store-tables.js';
import { cascadeAfterDelete } from './store-cascade.js';
import { liveRow } from './retention-move.js';
import { forgetSubjectLedger } from './subject-ledger.js';
import { actOnSubject, type SubjectCounts } from './subject-request.js';

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
 * withdrawal link, and the chat sessions those rows came from (see `actOnSubject`); returns counts per table.
 */
export function eraseSubjectRows(ctx: StoreContext, workspaceId: string, subject: string): Promise<SubjectCounts> {
  return actOnSubject(ctx, workspaceId, subject, 'subject.erased', async (db, table, about) => {
    const result = await sql<{ id: string; flow_id: string | null; session_id: string | null }>`
      with gone as (delete from ${sql.table(physicalTable(table))} where ${about()} returning id, flow_id, session_id)${cascadeAfterDelete(table)}
      select id, flow_id, session_id from gone`.execute(db);
    return result.rows;
  });
}
