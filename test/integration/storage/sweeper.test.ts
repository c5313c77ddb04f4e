import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestStorage, type TestStorage } from '../../support/test-database.js';
import { insertBulkRows } from '../../support/bulk-rows.js';
import { createWorkspace } from '../../../storage/workspace-repository.js';
import { writeStoreRow } from '../../../storage/store-batch-writer.js';
import { sweepExpired } from '../../../storage/sweeper.js';

let storage: TestStorage;
beforeAll(async () => {
  storage = await createTestStorage({ start: new Date('2026-06-01T00:00:00Z') });
});
afterAll(async () => storage.destroy());

async function counts(workspaceId: string) {
  const result = await sql<{ expired: string; live: string }>`
    select count(*) filter (where expires_at <= ${storage.clock.now()}) as expired,
           count(*) filter (where expires_at > ${storage.clock.now()}) as live
    from store_runtime_log where workspace_id = ${workspaceId}`.execute(storage.db);
  return { expired: Number(result.rows[0]!.expired), live: Number(result.rows[0]!.live) };
}

describe('sweeper', () => {
  it('deletes exactly the 200,000 expired rows in batches while concurrent inserts keep succeeding', async () => {
    const ws = await createWorkspace(storage, { name: 'Sweep' });
    const now = storage.clock.now();
    await insertBulkRows(storage.db, { workspaceId: ws.id, table: 'runtime_log', count: 200_000, createdAt: new Date(now.getTime() - 10 * 86_400_000), expiresAt: new Date(now.getTime() - 1000) });
    await insertBulkRows(storage.db, { workspaceId: ws.id, table: 'runtime_log', count: 1000, createdAt: now, expiresAt: new Date(now.getTime() + 86_400_000) });
    expect(await counts(ws.id)).toEqual({ expired: 200_000, live: 1000 });

    let inserting = true;
    let inserted = 0;
    const writer = (async () => {
      while (inserting) {
        const result = await writeStoreRow(storage, ws.id, { table: 'runtime_log', moduleId: 'message', defaultRetentionDays: 7, data: { turn: inserted } });
        if (result.stored) inserted += 1;
      }
    })();
    const report = await sweepExpired(storage.db, { now, batchSize: 5000, tables: ['runtime_log'] });
    inserting = false;
    await writer;

    expect(report.rowsDeleted).toBe(200_000);
    expect(report.tables[0]).toMatchObject({ table: 'runtime_log', rowsDeleted: 200_000, batches: 40 });
    expect(inserted).toBeGreaterThan(0);
    expect(await counts(ws.id)).toEqual({ expired: 0, live: 1000 + inserted });
    const runs = await storage.db.selectFrom('sweep_runs').selectAll().where('run_id', '=', report.runId).execute();
    expect(runs.map((r) => [r.table_name, r.rows_deleted])).toEqual([['runtime_log', 200_000]]);
  });

  it('two sweeps at once neither fail nor double-count', async () => {
    const ws = await createWorkspace(storage, { name: 'Double sweep' });
    const now = storage.clock.now();
    await insertBulkRows(storage.db, { workspaceId: ws.id, table: 'runtime_log', count: 50_000, createdAt: new Date(now.getTime() - 86_400_000), expiresAt: new Date(now.getTime() - 1) });
    const [a, b] = await Promise.all([
      sweepExpired(storage.db, { now, batchSize: 1000, tables: ['runtime_log'] }),
      sweepExpired(storage.db, { now, batchSize: 1000, tables: ['runtime_log'] }),
    ]);
    // A sweep that stops early because the other held the locks leaves the rest to a later pass:
    // together every expired row is deleted and counted exactly once.
    const final = await sweepExpired(storage.db, { now, batchSize: 1000, tables: ['runtime_log'] });
    expect(a.rowsDeleted + b.rowsDeleted + final.rowsDeleted).toBe(50_000);
    expect((await counts(ws.id)).expired).toBe(0);
  });

  it('keeps its own run log and the claimed cron occurrences for 30 days, then trims them', async () => {
    const now = new Date('2026-09-01T00:00:00Z');
    const at = (days: number) => new Date(now.getTime() - days * 86_400_000);
    await sql`insert into sweep_runs (run_id, table_name, rows_deleted, batches, started_at, duration_ms)
      values (gen_random_uuid(), 'winners', 0, 0, ${at(31)}, 1), (gen_random_uuid(), 'winners', 0, 0, ${at(29)}, 1)`.execute(storage.db);
    await sql`insert into cron_occurrences (job_name, occurrence_at) values ('trim-test', ${at(40)}), ('trim-test', ${at(30.5)}), ('trim-test', ${at(1)})`.execute(storage.db);
    const report = await sweepExpired(storage.db, { now });
    expect(report.operationalLogRowsDeleted).toBeGreaterThanOrEqual(3);
    const left = await sql<{ kind: string; at: Date }>`
      select 'run' as kind, started_at as at from sweep_runs where started_at < ${at(20)}
      union all select 'occurrence', occurrence_at from cron_occurrences where job_name = 'trim-test' order by 1, 2`.execute(storage.db);
    expect(left.rows.map((r) => [r.kind, r.at.toISOString()])).toEqual([['occurrence', at(1).toISOString()], ['run', at(29).toISOString()]]);
  });
});
