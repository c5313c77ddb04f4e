import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestStorage, type TestStorage } from '../../support/test-database.js';
import { insertBulkRows, rowsPerPartition } from '../../support/bulk-rows.js';
import { waitUntil } from '../../support/wait-until.js';
import { createWorkspace } from '../../../storage/workspace-repository.js';
import { writeStoreRow } from '../../../storage/store-batch-writer.js';
import { sweepExpired } from '../../../storage/sweeper.js';
import { dropPartitions, readLayout } from '../../../storage/partition-maintenance.js';
import { classifyPartitions } from '../../../storage/store-partitions.js';
import { countStatements } from '../../support/statement-counter.js';

const DAY = 86_400_000;
/** Midday, so "three days ahead" never straddles a UTC day boundary. */
const START = new Date('2026-09-10T12:00:00Z');
let storage: TestStorage;

beforeAll(async () => {
  storage = await createTestStorage({ start: START });
});
afterAll(async () => storage?.destroy());

async function partitionsOf(table: string): Promise<string[]> {
  const result = await sql<{ name: string }>`
    select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid
    where i.inhparent = ${table}::regclass order by 1`.execute(storage.db);
  return result.rows.map((r) => r.name);
}

describe('partitioned stores', () => {
  it('are partitioned by expiry, and a sweep moves rows out of the default partition into daily partitions', async () => {
    const kinds = await sql<{ relname: string; relkind: string }>`
      select relname, relkind from pg_class where relname in ('store_runtime_log', 'store_consents')`.execute(storage.db);
    expect(kinds.rows.map((r) => r.relkind)).toEqual(['p', 'p']);

    const ws = await createWorkspace(storage, { name: 'Drain' });
    for (const days of [1, 2, 3]) {
      await insertBulkRows(storage.db, { workspaceId: ws.id, table: 'runtime_log', count: 1000, createdAt: START, expiresAt: new Date(START.getTime() + days * DAY) });
    }
    // September 2026 has no partitions yet (the migration made them from the real date): all in the default.
    expect(await rowsPerPartition(storage.db, 'store_runtime_log', ws.id)).toEqual({ store_runtime_log_default: 3000 });

    const report = await sweepExpired(storage.db, { now: START, tables: ['runtime_log'] });
    expect(report.tables[0]).toMatchObject({ rowsDeleted: 0, batches: 0 });
    expect(await rowsPerPartition(storage.db, 'store_runtime_log', ws.id)).toEqual({
      store_runtime_log_p20260911_20260912: 1000,
      store_runtime_log_p20260912_20260913: 1000,
      store_runtime_log_p20260913_20260914: 1000,
    });
    // Created ahead for the table's default retention (7 days) and its margin: new rows skip the default.
    expect(await partitionsOf('store_runtime_log')).toEqual(expect.arrayContaining(['store_runtime_log_p20260917_20260918', 'store_runtime_log_p20260919_20260920']));
    const written = await writeStoreRow(storage, ws.id, { table: 'runtime_log', moduleId: 'message', defaultRetentionDays: 7, data: {} });
    expect(written.stored).toBe(true);
    expect(await rowsPerPartition(storage.db, 'store_runtime_log', ws.id)).toMatchObject({ store_runtime_log_p20260917_20260918: 1 });
  });

  it('drops the partitions whose range has passed, counting their rows, without a single DELETE or dead tuple', async () => {
    const ws = await createWorkspace(storage, { name: 'Drop' });
    await insertBulkRows(storage.db, { workspaceId: ws.id, table: 'participations', count: 2000, createdAt: START, expiresAt: new Date(START.getTime() + 1 * DAY) });
    await insertBulkRows(storage.db, { workspaceId: ws.id, table: 'participations', count: 3000, createdAt: START, expiresAt: new Date(START.getTime() + 2 * DAY) });
    await insertBulkRows(storage.db, { workspaceId: ws.id, table: 'participations', count: 500, createdAt: START, expiresAt: new Date(START.getTime() + 5 * DAY) });
    await sweepExpired(storage.db, { now: START, tables: ['participations'] });
    expect(await rowsPerPartition(storage.db, 'store_participations', ws.id)).toEqual({
      store_participations_p20260911_20260912: 2000,
      store_participations_p20260912_20260913: 3000,
      store_participations_p20260915_20260916: 500,
    });

    // Three days on, the first two days have wholly passed; the 500 rows are still live.
    const later = new Date(START.getTime() + 3 * DAY);
    const report = await sweepExpired(storage.db, { now: later, tables: ['participations'] });
    expect(report.tables[0]).toMatchObject({ table: 'participations', rowsDeleted: 5000, batches: 0, partitionsDropped: 2 });
    const runs = await storage.db.selectFrom('sweep_runs').selectAll().where('run_id', '=', report.runId).execute();
    expect(runs.map((r) => [r.table_name, r.rows_deleted])).toEqual([['participations', 5000]]);
    const parts = await partitionsOf('store_participations');
    expect(parts).not.toContain('store_participations_p20260911_20260912');
    expect(parts).not.toContain('store_participations_p20260912_20260913');
    expect(await rowsPerPartition(storage.db, 'store_participations', ws.id)).toEqual({ store_participations_p20260915_20260916: 500 });

    // The sweep deleted no tuple: the remaining partitions report no deletion and no dead tuple
    // once the statistics of the sweep's backend are flushed (the dropped ones left nothing).
    await waitUntil(
      async () => {
        const stats = await sql<{ deleted: string; dead: string; live: string }>`
          select coalesce(sum(n_tup_del), 0) as deleted, coalesce(sum(n_dead_tup), 0) as dead, coalesce(sum(n_live_tup), 0) as live
          from pg_stat_user_tables where relname like 'store\_participations\_p%'`.execute(storage.db);
        const row = stats.rows[0]!;
        return Number(row.live) === 500 ? row : undefined;
      },
      { what: 'table statistics to include the sweep', timeoutMs: 30_000 },
    ).then((row) => expect([Number(row.deleted), Number(row.dead)]).toEqual([0, 0]));
  });

  it('drops each passed partition on its own, so one held by a long reader does not keep the others', async () => {
    const ws = await createWorkspace(storage, { name: 'Held' });
    await insertBulkRows(storage.db, { workspaceId: ws.id, table: 'variables', count: 200, createdAt: START, expiresAt: new Date(START.getTime() + 1 * DAY) });
    await insertBulkRows(storage.db, { workspaceId: ws.id, table: 'variables', count: 300, createdAt: START, expiresAt: new Date(START.getTime() + 2 * DAY) });
    await sweepExpired(storage.db, { now: START, tables: ['variables'] });
    const held = 'store_variables_p20260912_20260913';
    expect(await rowsPerPartition(storage.db, 'store_variables', ws.id)).toEqual({ store_variables_p20260911_20260912: 200, [held]: 300 });

    // A reader of the second day's partition (an export streaming it) keeps its transaction open.
    let release!: () => void;
    const reading = new Promise<void>((resolve) => (release = resolve));
    let started!: () => void;
    const readerStarted = new Promise<void>((resolve) => (started = resolve));
    const reader = storage.db.transaction().execute(async (trx) => {
      await sql`select count(*) from ${sql.table(held)}`.execute(trx);
      started();
      await reading;
    });
    await readerStarted;
    const later = new Date(START.getTime() + 3 * DAY);
    try {
      const report = await sweepExpired(storage.db, { now: later, tables: ['variables'] });
      expect(report.tables[0]).toMatchObject({ rowsDeleted: 200, partitionsDropped: 1 });
      expect(await partitionsOf('store_variables')).toContain(held);
    } finally {
      release();
      await reader;
    }
    const next = await sweepExpired(storage.db, { now: later, tables: ['variables'] });
    expect(next.tables[0]).toMatchObject({ rowsDeleted: 300, partitionsDropped: 1 });
    expect(await rowsPerPartition(storage.db, 'store_variables', ws.id)).toEqual({});
  });

  it('drops a passed partition in two round trips: its lock and count go with BEGIN, the DROP with COMMIT', async () => {
    const ws = await createWorkspace(storage, { name: 'Round trips' });
    await insertBulkRows(storage.db, { workspaceId: ws.id, table: 'winners', count: 40, createdAt: START, expiresAt: new Date(START.getTime() + 1 * DAY) });
    await insertBulkRows(storage.db, { workspaceId: ws.id, table: 'winners', count: 60, createdAt: START, expiresAt: new Date(START.getTime() + 2 * DAY) });
    await sweepExpired(storage.db, { now: START, tables: ['winners'] });
    const later = new Date(START.getTime() + 3 * DAY);
    const { passed } = classifyPartitions((await readLayout(storage.db, 'winners')).attached, later);
    expect(passed.map((p) => p.name)).toEqual(['store_winners_p20260911_20260912', 'store_winners_p20260912_20260913']);
    const counter = countStatements(storage.pool);
    counter.reset();
    expect(await dropPartitions(storage.db, 'winners', passed)).toEqual({ rows: 100, partitions: 2 });
    // Per partition: BEGIN, lock timeout, lock, count; then DROP and COMMIT.
    expect(counter).toMatchObject({ count: 12, roundTrips: 4 });
    expect(await partitionsOf('store_winners')).not.toContain('store_winners_p20260911_20260912');
    expect(await rowsPerPartition(storage.db, 'store_winners', ws.id)).toEqual({});
  });

  it('counts a big vacuumed partition from the catalogue, exactly, when it drops it', async () => {
    const ws = await createWorkspace(storage, { name: 'Big' });
    const day = new Date('2026-09-25T06:00:00Z');
    await insertBulkRows(storage.db, { workspaceId: ws.id, table: 'codes', count: 120_000, createdAt: START, expiresAt: day });
    await sweepExpired(storage.db, { now: START, tables: ['codes'] });
    await sql`vacuum (analyze, disable_page_skipping) store_codes_p20260925_20260926`.execute(storage.db);
    // A drop that cannot have its locks within its short timeout (autovacuum still busy with the
    // partition on a loaded machine) is left to the next sweep, having deleted nothing: sweep until it is dropped.
    const swept = await waitUntil(async () => {
      const report = (await sweepExpired(storage.db, { now: new Date('2026-09-26T00:00:00Z'), tables: ['codes'] })).tables[0]!;
      if (report.partitionsDropped > 0) return report;
      expect(report.rowsDeleted).toBe(0);
      return undefined;
    }, { what: 'a sweep to drop the partition', intervalMs: 250 });
    expect(swept).toMatchObject({ rowsDeleted: 120_000, batches: 0, partitionsDropped: 1 });
    // 120,000 rows written, vacuumed and swept: well past a minute on a loaded 2-core machine (not a speed claim).
  }, 180_000);

  it('deletes the expired rows of the partition that is current by bounded batches, and leaves its live rows', async () => {
    const ws = await createWorkspace(storage, { name: 'Current' });
    const day = new Date('2026-09-20T00:00:00Z');
    await insertBulkRows(storage.db, { workspaceId: ws.id, table: 'files', count: 1200, createdAt: START, expiresAt: new Date(day.getTime() + 3_600_000) });
    await insertBulkRows(storage.db, { workspaceId: ws.id, table: 'files', count: 300, createdAt: START, expiresAt: new Date(day.getTime() + 20 * 3_600_000) });
    await sweepExpired(storage.db, { now: START, tables: ['files'] });
    const report = await sweepExpired(storage.db, { now: new Date(day.getTime() + 12 * 3_600_000), batchSize: 500, tables: ['files'] });
    expect(report.tables[0]).toMatchObject({ rowsDeleted: 1200, batches: 3, partitionsDropped: 0 });
    expect(await rowsPerPartition(storage.db, 'store_files', ws.id)).toEqual({ store_files_p20260920_20260921: 300 });
  });
});
