import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestStorage, type TestStorage } from '../../support/test-database.js';
import { createWorkspace, updateWorkspace } from '../../../storage/workspace-repository.js';
import { writeStoreRow } from '../../../storage/store-batch-writer.js';
import { countStoreRows, findSubjectRows, getStoreRow, listStoreRows } from '../../../storage/store-reader.js';
import { sweepExpired } from '../../../storage/sweeper.js';

const DAY = 86_400_000;
let storage: TestStorage;

beforeAll(async () => {
  storage = await createTestStorage({ start: new Date('2026-03-01T10:00:00Z') });
});
afterAll(async () => storage.destroy());

async function rawCount(table: string, workspaceId: string): Promise<number> {
  const result = await sql<{ n: string }>`select count(*) as n from ${sql.table(table)} where workspace_id = ${workspaceId}`.execute(storage.db);
  return Number(result.rows[0]!.n);
}

describe('retention', () => {
  it('hides a row one second past its expiry on every read path, before any sweep, and the sweep deletes it', async () => {
    const ws = await createWorkspace(storage, { name: 'Retention' });
    storage.clock.set('2026-03-01T10:00:00Z');
    const written = await writeStoreRow(storage, ws.id, {
      table: 'participations',
      moduleId: 'giveaway',
      defaultRetentionDays: 1,
      data: { frequency: 'once' },
      personal: { email: 'ann@example.org' },
      subject: 'ann@example.org',
    });
    expect(written.stored).toBe(true);
    if (!written.stored) return;
    expect(written.expiresAt.toISOString()).toBe('2026-03-02T10:00:00.000Z');

    const readAll = async () => ({
      page: (await listStoreRows(storage, ws.id, 'participations')).rows.length,
      one: (await getStoreRow(storage, ws.id, 'participations', written.id)) !== undefined,
      subject: (await findSubjectRows(storage, ws.id, 'ann@example.org')).length,
      count: (await countStoreRows(storage, ws.id)).participations,
    });
    expect(await readAll()).toEqual({ page: 1, one: true, subject: 1, count: 1 });
    const row = await getStoreRow(storage, ws.id, 'participations', written.id);
    expect(row?.personal).toEqual({ email: 'ann@example.org' });

    storage.clock.set(written.expiresAt.getTime() + 1000);
    expect(await readAll()).toEqual({ page: 0, one: false, subject: 0, count: 0 });
    expect(await rawCount('store_participations', ws.id)).toBe(1);

    const report = await sweepExpired(storage.db, { now: storage.clock.now() });
    expect(report.tables.find((t) => t.table === 'participations')?.rowsDeleted).toBeGreaterThanOrEqual(1);
    expect(await rawCount('store_participations', ws.id)).toBe(0);
  });

  it('applies workspace overrides per table and per module, and re-applies a change to existing rows', async () => {
    const ws = await createWorkspace(storage, { name: 'Overrides', retention: { tables: { variables: 10 }, modules: { 'text-question': { variables: 3 } } } });
    storage.clock.set('2026-04-01T00:00:00Z');
    const a = await writeStoreRow(storage, ws.id, { table: 'variables', moduleId: 'email-capture', defaultRetentionDays: 60, data: {} });
    const b = await writeStoreRow(storage, ws.id, { table: 'variables', moduleId: 'text-question', defaultRetentionDays: 60, data: {} });
    const c = await writeStoreRow(storage, ws.id, { table: 'runtime_log', moduleId: 'message', defaultRetentionDays: 7, data: {} });
    expect(a.stored && a.expiresAt.toISOString()).toBe('2026-04-11T00:00:00.000Z');
    expect(b.stored && b.expiresAt.toISOString()).toBe('2026-04-04T00:00:00.000Z');
    expect(c.stored && c.expiresAt.toISOString()).toBe('2026-04-08T00:00:00.000Z');

    // Five days later, shorten the table retention to 2 days: row a (5 days old) vanishes at once.
    storage.clock.set('2026-04-06T00:00:00Z');
    expect((await listStoreRows(storage, ws.id, 'variables')).rows.map((r) => r.id)).toEqual(a.stored ? [a.id] : []);
    await updateWorkspace(storage, ws.id, { retention: { tables: { variables: 2 } } });
    expect((await listStoreRows(storage, ws.id, 'variables')).rows).toEqual([]);
    // Other tables keep their own retention; lengthening one extends its live rows.
    expect((await listStoreRows(storage, ws.id, 'runtime_log')).rows).toHaveLength(1);
    await updateWorkspace(storage, ws.id, { retention: { tables: { runtime_log: 30 } } });
    const log = await getStoreRow(storage, ws.id, 'runtime_log', c.stored ? c.id : '');
    expect(log?.expiresAt.toISOString()).toBe('2026-05-01T00:00:00.000Z');
  });

  it('pages with a keyset cursor and filters by date range', async () => {
    const ws = await createWorkspace(storage, { name: 'Paging' });
    const start = new Date('2026-05-01T00:00:00Z').getTime();
    for (let i = 0; i < 7; i += 1) {
      storage.clock.set(start + i * 3_600_000);
      await writeStoreRow(storage, ws.id, { table: 'winners', moduleId: 'giveaway', defaultRetentionDays: 60, data: { i } });
    }
    storage.clock.set(start + DAY);
    const seen: unknown[] = [];
    let after: string | undefined;
    do {
      const page = await listStoreRows(storage, ws.id, 'winners', { limit: 3, after, order: 'asc' });
      seen.push(...page.rows.map((r) => r.data.i));
      after = page.next ?? undefined;
    } while (after);
    expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6]);
    const ranged = await listStoreRows(storage, ws.id, 'winners', { from: new Date(start + 2 * 3_600_000), to: new Date(start + 4 * 3_600_000), order: 'asc' });
    expect(ranged.rows.map((r) => r.data.i)).toEqual([2, 3]);
  });
});
