import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import pg from 'pg';
import { createTestStorage, type TestStorage } from '../../support/test-database.js';
import { createWorkspace, updateWorkspace } from '../../../storage/workspace-repository.js';
import { countStoreRows, listStoreRows } from '../../../storage/store-reader.js';
import { resumeRetentionMoves } from '../../../storage/retention-move.js';
import { sweepExpired } from '../../../storage/sweeper.js';
import { streamFlowRecords, streamTableRecords, type ExportRecord, type RecordBatch } from '../../../storage/export-source.js';
import { deleteStoreRow } from '../../../storage/store-deleter.js';
import { setExternalFields } from '../../../storage/export-repository.js';
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const ROWS = 1000;
const START = new Date('2026-10-05T12:00:00Z');
let storage: TestStorage;

beforeAll(async () => {
  storage = await createTestStorage({ start: START });
});
afterAll(async () => storage?.destroy());

/** `ROWS` variables rows created one hour apart before START, each expiring 60 days after its creation. */
async function fill(workspaceId: string): Promise<void> {
  await sql`
    insert into store_variables (id, workspace_id, module_id, default_retention_days, created_at, expires_at, data)
    select gen_random_uuid(), ${workspaceId}, 'email-capture', 60, c, c + interval '60 days', jsonb_build_object('n', g)
    from generate_series(1, ${ROWS}) g, lateral (select ${START}::timestamptz - g * interval '1 hour' as c) t`.execute(storage.db);
}

/** Holds a workspace's retention move of `table` as another process running it would: the change commits, the move waits. */
async function holdMove(workspaceId: string, table: string): Promise<pg.Client> {
  const other = new pg.Client({ connectionString: storage.url });
  await other.connect();
  await other.query(`select pg_advisory_lock(hashtextextended($1, 0))`, [`parley-retention-move:${workspaceId}:${table}`]);
  return other;
}

async function records(stream: Readable): Promise<ExportRecord[]> {
  const all: ExportRecord[] = [];
  for await (const batch of stream) all.push(...(batch as RecordBatch));
  return all;
}

describe('retention change on partitioned stores', () => {
  it('hides the rows a shorter retention ended at once, while their move is still pending, then moves them in bounded batches', async () => {
    const ws = await createWorkspace(storage, { name: 'Shorter' });
    await fill(ws.id);
    await sweepExpired(storage.db, { now: START, tables: ['variables'] });
    expect((await countStoreRows(storage, ws.id)).variables).toBe(ROWS);

    // Another process holds this move (as if it were running it): the change commits, the move waits.
    const other = new pg.Client({ connectionString: storage.url });
    await other.connect();
    try {
      await other.query(`select pg_advisory_lock(hashtextextended($1, 0))`, [`parley-retention-move:${ws.id}:variables`]);
      await updateWorkspace(storage, ws.id, { retention: { tables: { variables: 30 } } });
      const unmoved = await sql<{ n: string }>`
        select count(*) as n from store_variables where workspace_id = ${ws.id} and expires_at = created_at + interval '60 days'`.execute(storage.db);
      expect(Number(unmoved.rows[0]!.n)).toBe(ROWS);
      // Rows created more than 30 days before START are hidden on every read path already.
      const live = Math.ceil((30 * DAY) / HOUR) - 1;
      expect((await countStoreRows(storage, ws.id)).variables).toBe(live);
      const page = await listStoreRows(storage, ws.id, 'variables', { limit: 1000, order: 'asc' });
      expect(page.rows.length).toBe(live);
      expect(page.rows.every((row) => row.createdAt.getTime() + 30 * DAY > START.getTime())).toBe(true);
    } finally {
      await other.end();
    }

    await resumeRetentionMoves(storage.db, START, { batchSize: 100 });
    const moved = await sql<{ rows: string; batches: string; pending: string }>`
      select count(*) as rows, count(distinct xmin::text) as batches,
        (select count(*) from store_retention_moves where workspace_id = ${ws.id}) as pending
      from store_variables where workspace_id = ${ws.id} and expires_at = created_at + interval '30 days'`.execute(storage.db);
    // Every row moved, by ten transactions of at most 100 rows each, and the move is cleared.
    expect(moved.rows[0]).toEqual({ rows: String(ROWS), batches: '10', pending: '0' });
    expect((await countStoreRows(storage, ws.id)).variables).toBe(Math.ceil((30 * DAY) / HOUR) - 1);

    // After a sweep (which makes partitions for the moved rows that reached the default), live
    // rows sit in the daily partition of their new expiry, and the rows the change ended are gone.
    await sweepExpired(storage.db, { now: START, tables: ['variables'] });
    const after = await sql<{ n: string }>`
      select count(*) as n from store_variables
      where workspace_id = ${ws.id} and expires_at > ${START}
        and tableoid::regclass::text <> 'store_variables_p' || to_char(expires_at at time zone 'UTC', 'YYYYMMDD') || '_' || to_char((expires_at at time zone 'UTC') + interval '1 day', 'YYYYMMDD')`.execute(storage.db);
    expect(Number(after.rows[0]!.n)).toBe(0);
    const left = await sql<{ n: string }>`select count(*) as n from store_variables where workspace_id = ${ws.id}`.execute(storage.db);
    expect(Number(left.rows[0]!.n)).toBe(Math.ceil((30 * DAY) / HOUR) - 1);
  });

  it('hides what a shorter retention ended from exports and from changes by hand while the move is pending', async () => {
    const ws = await createWorkspace(storage, { name: 'Exported' });
    const flowId = randomUUID();
    // Ten entries 10..100 days old (60-day retention), each with its email in variables.
    const entries = Array.from({ length: 10 }, (_, i) => ({ id: randomUUID(), session: randomUUID(), age: (i + 1) * 10 }));
    for (const e of entries) {
      for (const [table, module] of [['store_participations', 'giveaway'], ['store_variables', 'email-capture']] as const) {
        await sql`
          insert into ${sql.table(table)} (id, workspace_id, flow_id, session_id, module_id, default_retention_days, created_at, expires_at, data)
          values (${table === 'store_participations' ? e.id : randomUUID()}, ${ws.id}, ${flowId}, ${e.session}, ${module}, 120,
            ${new Date(START.getTime() - e.age * DAY)}, ${new Date(START.getTime() + (120 - e.age) * DAY)}, ${JSON.stringify({ age: e.age })})`.execute(storage.db);
      }
    }
    const ages = (rows: ExportRecord[]) => rows.map((r) => r.entry.data.age);
    const before = await records(streamFlowRecords(storage, { workspaceId: ws.id, flowId, scope: 'entries' }));
    expect(ages(before)).toEqual([100, 90, 80, 70, 60, 50, 40, 30, 20, 10]);

    const held = [await holdMove(ws.id, 'participations'), await holdMove(ws.id, 'variables')];
    try {
      // Participations keep 35 days, the email-capture module's variables 15: older rows are hidden at once.
      await updateWorkspace(storage, ws.id, { retention: { tables: { participations: 35 }, modules: { 'email-capture': { variables: 15 } } } });
      const during = await records(streamFlowRecords(storage, { workspaceId: ws.id, flowId, scope: 'entries' }));
      expect(ages(during)).toEqual([30, 20, 10]);
      expect(during.map((r) => (r.related.variables ?? []).map((v) => v.data.age))).toEqual([[], [], [10]]);
      const variables = await records(streamTableRecords(storage, { workspaceId: ws.id, table: 'variables' }));
      expect(ages(variables)).toEqual([10]);
      // A hidden entry is not found by a partner's update nor by a deletion by hand; a live one is.
      const hidden = entries.find((e) => e.age === 50)!;
      expect(await setExternalFields(storage, ws.id, hidden.id, { crm: 'x' })).toBe(false);
      expect(await deleteStoreRow(storage, ws.id, 'participations', hidden.id)).toBe(false);
      expect(await setExternalFields(storage, ws.id, entries[0]!.id, { crm: 'x' })).toBe(true);
    } finally {
      await Promise.all(held.map((client) => client.end()));
    }
    // Once moved, the same rows stay out (their expiry now says so).
    await resumeRetentionMoves(storage.db, START, { batchSize: 100 });
    expect(ages(await records(streamFlowRecords(storage, { workspaceId: ws.id, flowId, scope: 'entries' })))).toEqual([30, 20, 10]);
  });

  it('keeps live rows longer under a longer retention, and leaves expired rows expired', async () => {
    const ws = await createWorkspace(storage, { name: 'Longer' });
    await fill(ws.id);
    await updateWorkspace(storage, ws.id, { retention: { tables: { variables: 90 } } });
    const rows = await sql<{ extended: string; pending: string }>`
      select count(*) filter (where expires_at = created_at + interval '90 days') as extended,
        (select count(*) from store_retention_moves where workspace_id = ${ws.id}) as pending
      from store_variables where workspace_id = ${ws.id}`.execute(storage.db);
    expect(rows.rows[0]).toEqual({ extended: String(ROWS), pending: '0' });
    expect((await countStoreRows(storage, ws.id)).variables).toBe(ROWS);
  });
});
