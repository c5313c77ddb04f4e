import { sql } from 'kysely';
import type { StoreContext } from './store-context.js';
import { STORE_TABLES, physicalTable, type StoreTable } from './store-tables.js';

/** Deletes one row by hand. Returns false when no live row of this workspace has that id. */
export async function deleteStoreRow(ctx: StoreContext, workspaceId: string, table: StoreTable, id: string): Promise<boolean> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return false;
  const result = await sql`
    delete from ${sql.table(physicalTable(table))}
    where id = ${id} and workspace_id = ${workspaceId} and expires_at > ${ctx.clock.now()}`.execute(ctx.db);
  return Number(result.numAffectedRows ?? 0) > 0;
}

/** Deletes every row of one table for a workspace; returns how many went. */
export async function deleteAllStoreRows(ctx: StoreContext, workspaceId: string, table: StoreTable): Promise<number> {
  const result = await sql`delete from ${sql.table(physicalTable(table))} where workspace_id = ${workspaceId}`.execute(ctx.db);
  return Number(result.numAffectedRows ?? 0);
}

/** Erases everything stored about one data subject, in every table; returns counts per table. */
export async function eraseSubjectRows(ctx: StoreContext, workspaceId: string, subject: string): Promise<Record<StoreTable, number>> {
  const hash = await ctx.keyring.lookupHash(workspaceId, subject);
  const counts = {} as Record<StoreTable, number>;
  await ctx.db.transaction().execute(async (trx) => {
    for (const table of STORE_TABLES) {
      const result = await sql`
        delete from ${sql.table(physicalTable(table))}
        where workspace_id = ${workspaceId} and subject_hash = ${hash}`.execute(trx);
      counts[table] = Number(result.numAffectedRows ?? 0);
    }
  });
  return counts;
}
