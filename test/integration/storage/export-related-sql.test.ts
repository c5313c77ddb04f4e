import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestStorage, type TestStorage } from '../../support/test-database.js';
import { relatedRowsSql, sessionKeys } from '../../../storage/export-related-sql.js';
import { RelatedConnection } from '../../../storage/export-related-rows.js';
import { SEALED_NOT_READ } from '../../../storage/export-row.js';

let storage: TestStorage;

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
      await client.query('deallocate all');
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
});
