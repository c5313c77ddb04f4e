import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { createTestStorage, type TestStorage } from '../../support/test-database.js';
import { relatedRowsSql, RETURNING_SUBJECTS, returningSubjectsSql, sessionKeys } from '../../../storage/export-related-sql.js';
import { RELATED_SETTINGS, RelatedConnection } from '../../../storage/export-related-rows.js';
import { applySettings, resetSettings } from '../../../storage/session-settings.js';
import { SEALED_NOT_READ } from '../../../storage/export-row.js';
import { flowSetup, saveTestFlow } from '../../support/flow-harness.js';
import { insertRelatedEntries, RELATED_FLOW } from '../../support/related-entries-fixture.js';
import type { StoreTable } from '../../../core/store-tables.js';

let storage: TestStorage;

/** A statement parameter as SQL text (EXECUTE takes no bound parameters): text, timestamps, arrays of text. */
function literal(client: pg.ClientBase, value: unknown): string {
  if (value === null) return 'null';
  if (value instanceof Date) return client.escapeLiteral(value.toISOString());
  if (Array.isArray(value)) return client.escapeLiteral(`{${value.map((item) => `"${String(item).replace(/[\\"]/g, (c) => `\\${c}`)}"`).join(',')}}`);
  return client.escapeLiteral(String(value));
}

beforeAll(async () => {
  storage = await createTestStorage();
});
afterAll(async () => {
  await storage.destroy();
});

describe('export related-rows statement', () => {
  // Issue 17: the related rows of each batch were matched on encode(subject_hash, 'hex'), which no
  // index serves, so every batch scanned each related table and exports grew with its square.
  it('is served by indexes on every related table, sessions and subject hashes alike (no sequential scan)', async () => {
    const tables = ['variables', 'consents', 'winners', 'codes', 'instant_win_claims'] as const;
    const statement = relatedRowsSql({ workspaceId: '00000000-0000-4000-8000-000000000000', flowId: '00000000-0000-4000-8000-000000000001', now: new Date(), tables, sealedTables: tables }, sessionKeys([]), []);
    const client = await storage.pool.connect();
    try {
      await client.query('set enable_seqscan = off');
      // The generic plan (the one any batch's values may get), on any PostgreSQL ≥ 12: a prepared
      // statement forced to its generic plan (`explain (generic_plan)` needs 16).
      await client.query('set plan_cache_mode = force_generic_plan');
      await client.query(`prepare related_rows (uuid, uuid, timestamptz, uuid[], bytea[], uuid, uuid) as ${statement.text}`);
      const explained = await client.query(`explain execute related_rows ('${statement.values[0]}', '${statement.values[1]}', now(), '{}', '{}', null, null)`);
      const plan = explained.rows.map((row: Record<string, string>) => row['QUERY PLAN']).join('\n');
      expect(plan).not.toMatch(/Seq Scan on store_/);
      for (const table of tables) {
        // On the expiry-partitioned stores each partition has its own copy of the parent's index.
        expect(plan).toMatch(new RegExp(`using store_${table}_\\S*session\\S* on store_${table}`));
        expect(plan).toMatch(new RegExp(`using store_${table}_\\S*subject\\S* on store_${table}`));
      }
    } finally {
      await client.query('reset enable_seqscan');
      await client.query('reset plan_cache_mode');
      await client.query('deallocate related_rows');
      client.release();
    }
  });

  // At 5,000,000 entries the generic plan's estimate passed jit_above_cost, and PostgreSQL compiled
  // it anew for every batch (about 200 ms of a 250–320 ms statement). JIT stays off on the connection.
  it('runs on a connection with JIT compilation off, and leaves it as it was', async () => {
    const read = { workspaceId: '00000000-0000-4000-8000-000000000000', flowId: '00000000-0000-4000-8000-000000000001', now: new Date(), tables: ['variables'] as const, sealedTables: [], returning: false, open: async () => SEALED_NOT_READ };
    const connection = new RelatedConnection(storage.pool, 0, read);
    const { rows } = await connection.query<[string, string]>(() => ({ text: `select current_setting('jit'), current_setting('plan_cache_mode')`, values: [] }));
    expect(rows).toEqual([['off', 'force_generic_plan']]);
    await connection.release();
    const clients = await Promise.all(Array.from({ length: storage.pool.totalCount }, () => storage.pool.connect()));
    try {
      for (const client of clients) expect((await client.query(`select current_setting('jit') as jit`)).rows[0].jit).not.toBe('off');
    } finally {
      for (const client of clients) client.release();
    }
  });

  // Once the store tables had statistics (as autovacuum gives every real database), the generic
  // plan expected a handful of rows and joined each to the batch's 250 sessions and subjects in a
  // nested loop: 460,000 comparisons and 41 ms a batch against 3 ms hashed, an export of 100,000
  // entries 10 s against 4.7. The connection allows no nested loop, so the join stays hashed.
  // 20,000 entries: PostgreSQL 15 and 18 both chose the nested loop on them (on 10,000, neither did).
  it('matches rows to the batch’s sessions and subjects by hash, also on store tables with statistics', async () => {
    const { workspace } = await flowSetup(storage);
    const flow = await saveTestFlow(storage, workspace, 'related', RELATED_FLOW);
    await insertRelatedEntries(storage.db, storage.keyring, { workspaceId: workspace.id, flowId: flow.id, count: 20_000, start: new Date(storage.clock.now().getTime() - 20 * 86_400_000) });
    const tables: StoreTable[] = ['variables', 'consents', 'winners', 'codes'];
    await storage.pool.query(`analyze`);
    const batch = await storage.pool.query<{ session_id: string; subject_hash: Buffer }>(
      `select session_id::text, subject_hash from store_participations where flow_id = $1 order by created_at, id limit 250`, [flow.id]);
    const sessions = sessionKeys([...new Set(batch.rows.map((row) => row.session_id))]);
    const subjects = [...new Set(batch.rows.map((row) => `\\x${row.subject_hash.toString('hex')}`))];
    const read = { workspaceId: workspace.id, flowId: flow.id, now: storage.clock.now(), tables, sealedTables: tables };
    // The export's related-rows connection: its settings, and the returning subjects collected on it.
    const client = await storage.pool.connect();
    try {
      await applySettings(client, RELATED_SETTINGS);
      for (const statement of returningSubjectsSql(read)) await client.query(statement.text, statement.values);
      // Looked up by subject in each table, then from the returning subjects; each in the generic
      // plan that every batch gets (a prepared statement, as the export's statement cache has it).
      for (const returning of [false, true]) {
        const statement = relatedRowsSql({ ...read, returning }, sessions, subjects);
        await client.query(`prepare related_rows_plan as ${statement.text}`);
        const explained = await client.query(`explain (costs off) execute related_rows_plan(${statement.values.map((value) => literal(client, value)).join(', ')})`);
        await client.query('deallocate related_rows_plan');
        const plan = explained.rows.map((row: Record<string, string>) => row['QUERY PLAN']).join('\n');
        expect(plan).not.toMatch(/Nested Loop/);
        expect(plan.match(/Hash Left Join/g)).toHaveLength(2);
      }
    } finally {
      await client.query(`drop table if exists ${RETURNING_SUBJECTS}`);
      client.release(await resetSettings(client, RELATED_SETTINGS));
    }
  });
});
