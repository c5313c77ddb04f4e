import { sql } from 'kysely';
import type { Db } from '../../storage/database.js';
import { physicalTable, type StoreTable } from '../../core/store-tables.js';

/** Inserts `count` non-personal rows in one statement (fixtures for sweeps and exports). */
export async function insertBulkRows(db: Db, options: { workspaceId: string; table: StoreTable; count: number; createdAt: Date; expiresAt: Date; moduleId?: string }): Promise<void> {
  await sql`
    insert into ${sql.table(physicalTable(options.table))}
      (id, workspace_id, module_id, default_retention_days, created_at, expires_at, data)
    select gen_random_uuid(), ${options.workspaceId}, ${options.moduleId ?? 'bulk'}, 60, ${options.createdAt}, ${options.expiresAt},
      jsonb_build_object('n', g)
    from generate_series(1, ${options.count}) g`.execute(db);
}

/** Rows of a store table per partition (`tableoid`), for one workspace. */
export async function rowsPerPartition(db: Db, table: string, workspaceId: string): Promise<Record<string, number>> {
  const result = await sql<{ part: string; n: string }>`
    select tableoid::regclass::text as part, count(*) as n from ${sql.table(table)} where workspace_id = ${workspaceId} group by 1`.execute(db);
  return Object.fromEntries(result.rows.map((r) => [r.part, Number(r.n)]));
}
