import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestStorage, type TestStorage } from '../../support/test-database.js';
import { insertBulkRows, rowsPerPartition } from '../../support/bulk-rows.js';
import { createWorkspace } from '../../../storage/workspace-repository.js';
import { sweepExpired } from '../../../storage/sweeper.js';
import { createPartition } from '../../../storage/partition-maintenance.js';

/** Midday, so no range below straddles the start's UTC day. */
const START = new Date('2026-09-10T12:00:00Z');
let storage: TestStorage;

beforeAll(async () => {
  storage = await createTestStorage({ start: START });
});
afterAll(async () => storage?.destroy());

async function liveRows(workspaceId: string): Promise<number> {
  const result = await sql<{ n: string }>`select count(*) as n from store_variables where workspace_id = ${workspaceId}`.execute(storage.db);
  return Number(result.rows[0]!.n);
}

/** Counts the workspace's rows through the store table, over and over, until `work` settles: every count seen. */
async function countsDuring(workspaceId: string, work: Promise<unknown>): Promise<number[]> {
  let settled = false;
  void work.finally(() => (settled = true)).catch(() => {});
  const counts: number[] = [];
  do counts.push(await liveRows(workspaceId));
  while (!settled);
  return counts;
}

const day = (iso: string) => ({ lower: new Date(`${iso}T00:00:00Z`), upper: new Date(new Date(`${iso}T00:00:00Z`).getTime() + 86_400_000) });

describe('creating a partition out of the default partition', () => {
  it('keeps every row readable through the store table while it moves them', async () => {
    const ws = await createWorkspace(storage, { name: 'Readable' });
    await insertBulkRows(storage.db, { workspaceId: ws.id, table: 'variables', count: 20_000, createdAt: START, expiresAt: new Date('2026-10-05T06:00:00Z') });
    expect(await rowsPerPartition(storage.db, 'store_variables', ws.id)).toEqual({ store_variables_default: 20_000 });

    // Forty batches of 500: a reader between two of them once found the rows of those already moved missing.
    const creating = createPartition(storage.db, 'variables', day('2026-10-05'), 500);
    const counts = await countsDuring(ws.id, creating);
    expect(await creating).toBe(true);
    expect(new Set(counts)).toEqual(new Set([20_000]));
    expect(await rowsPerPartition(storage.db, 'store_variables', ws.id)).toEqual({ store_variables_p20261005_20261006: 20_000 });
  });

  it('gives up when a writer is changing a row it would move, leaving every row readable where it was and the change kept', async () => {
    const ws = await createWorkspace(storage, { name: 'Attach blocked' });
    await insertBulkRows(storage.db, { workspaceId: ws.id, table: 'variables', count: 1500, createdAt: START, expiresAt: new Date('2026-10-20T06:00:00Z') });
    // A writer's transaction stays open on one of the rows: it holds that row and the table's ROW EXCLUSIVE lock.
    const writer = await storage.pool.connect();
    try {
      await writer.query('begin');
      const changed = await writer.query(`update store_variables set data = data || '{"changed": true}'
        where id = (select id from store_variables where workspace_id = $1 order by id limit 1)`, [ws.id]);
      expect(changed.rowCount).toBe(1);
      const creating = createPartition(storage.db, 'variables', day('2026-10-20'), 500);
      const counts = await countsDuring(ws.id, creating);
      expect(await creating).toBe(false);
      expect(new Set(counts)).toEqual(new Set([1500]));
      expect(await rowsPerPartition(storage.db, 'store_variables', ws.id)).toEqual({ store_variables_default: 1500 });
      await writer.query('commit');
    } catch (error) {
      await writer.query('rollback');
      throw error;
    } finally {
      writer.release();
    }
    // Once the writer is done, the next attempt attaches the partition with the rows in it, the change among them.
    expect(await createPartition(storage.db, 'variables', day('2026-10-20'), 500)).toBe(true);
    expect(await rowsPerPartition(storage.db, 'store_variables', ws.id)).toEqual({ store_variables_p20261020_20261021: 1500 });
    const kept = await sql<{ n: string }>`select count(*) as n from store_variables where workspace_id = ${ws.id} and data ? 'changed'`.execute(storage.db);
    expect(Number(kept.rows[0]!.n)).toBe(1);
  });

  it('puts back the rows of a creation a crash interrupted, then makes their partition', async () => {
    const ws = await createWorkspace(storage, { name: 'Leftover' });
    // What an older version left when it died between two committed batches of its move: an
    // unattached table of the range holding 300 rows that the store table does not show.
    const leftover = 'store_variables_p20261101_20261102';
    await sql`create table ${sql.table(leftover)} (like store_variables including defaults including constraints)`.execute(storage.db);
    await sql`insert into ${sql.table(leftover)} (id, workspace_id, module_id, default_retention_days, created_at, expires_at, data)
      select gen_random_uuid(), ${ws.id}, 'bulk', 60, ${START}, '2026-11-01T08:00:00Z', '{}' from generate_series(1, 300)`.execute(storage.db);
    expect(await liveRows(ws.id)).toBe(0);

    await sweepExpired(storage.db, { now: START, tables: ['variables'] });
    expect(await rowsPerPartition(storage.db, 'store_variables', ws.id)).toEqual({ [leftover]: 300 });
    const attached = await sql<{ attached: boolean }>`select relispartition as attached from pg_class where relname = ${leftover}`.execute(storage.db);
    expect(attached.rows).toEqual([{ attached: true }]);
  });
});
