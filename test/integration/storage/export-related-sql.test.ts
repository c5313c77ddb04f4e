import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestStorage, type TestStorage } from '../../support/test-database.js';
import { relatedRowsSql } from '../../../storage/export-source-sql.js';

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
    const statement = relatedRowsSql('00000000-0000-4000-8000-000000000000', '00000000-0000-4000-8000-000000000001', new Date(), tables, [], []);
    const client = await storage.pool.connect();
    try {
      await client.query('set enable_seqscan = off');
      const plan = (await client.query(`explain (generic_plan) ${statement.text}`)).rows.map((row: Record<string, string>) => row['QUERY PLAN']).join('\n');
      expect(plan).not.toMatch(/Seq Scan on store_/);
      for (const table of tables) {
        // On the expiry-partitioned stores each partition has its own copy of the parent's index.
        expect(plan).toMatch(new RegExp(`using store_${table}_\\S*session\\S* on store_${table}`));
        expect(plan).toMatch(new RegExp(`using store_${table}_\\S*subject\\S* on store_${table}`));
      }
    } finally {
      await client.query('reset enable_seqscan');
      client.release();
    }
  });
});
