import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestStorage, type TestStorage } from '../../support/test-database.js';
import { flowSetup, saveTestFlow } from '../../support/flow-harness.js';
import { insertRelatedEntries, RELATED_FLOW } from '../../support/related-entries-fixture.js';
import { entriesSql, type ExportScope } from '../../../storage/export-source-sql.js';
import { ENTRY_SETTINGS } from '../../../storage/export-source.js';
import { applySettings, resetSettings } from '../../../storage/session-settings.js';

let storage: TestStorage;

beforeAll(async () => {
  storage = await createTestStorage();
});
afterAll(async () => {
  await storage.destroy();
});

/**
 * A new flow with `count` related entries (a day old), then the plan of its entries statement in
 * each of `scopes`, as the export's cursor connection (its settings) gets it. `analyze`: with
 * statistics on every table first, as autovacuum leaves a database.
 */
async function entryPlans(count: number, scopes: readonly ExportScope[], analyze = false): Promise<string[]> {
  const { workspace } = await flowSetup(storage);
  const flow = await saveTestFlow(storage, workspace, 'related', RELATED_FLOW);
  await insertRelatedEntries(storage.db, storage.keyring, { workspaceId: workspace.id, flowId: flow.id, count, start: new Date(storage.clock.now().getTime() - 86_400_000) });
  if (analyze) await storage.pool.query('analyze');
  const client = await storage.pool.connect();
  try {
    await applySettings(client, ENTRY_SETTINGS);
    const plans: string[] = [];
    for (const scope of scopes) {
      const statement = entriesSql({ workspaceId: workspace.id, flowId: flow.id, now: storage.clock.now(), scope, tables: ['participations'] });
      const explained = await client.query(`explain (costs off) ${statement.text}`, statement.values);
      plans.push(explained.rows.map((row: Record<string, string>) => row['QUERY PLAN']).join('\n'));
    }
    return plans;
  } finally {
    client.release(await resetSettings(client, ENTRY_SETTINGS));
  }
}

describe('export entries statement', () => {
  // Winners-only exports tested each entry with an EXISTS over every winners partition (two index
  // probes in each, OR'ed): 1.5 s of PostgreSQL for 100,000 entries before the first row came.
  // The flow's winning sessions and subjects are now read once each and joined by hash.
  it('finds winners-only entries by joining the flow’s winners once, not by a lookup per entry', async () => {
    for (const plan of await entryPlans(2_000, ['winners', 'winning_participants'], true)) {
      expect(plan).not.toMatch(/Nested Loop|SubPlan/);
      expect(plan.match(/Hash Left Join/g)).toHaveLength(2);
    }
  });

  // One row per participant was three sorts of every entry (by participant for the window, again
  // with the date for DISTINCT ON, then by date): the window now has DISTINCT ON's order, so the
  // rows are sorted twice, 0.94 s → 0.68 s of PostgreSQL for 100,000 entries (80,000 participants).
  it('picks one entry per participant with one sort for the window and the pick, then one by date', async () => {
    for (const plan of await entryPlans(500, ['participants', 'winning_participants'])) {
      // Sorts of the entries (the winners' sets may be sorted for their DISTINCT on small tables).
      expect(plan.match(/Sort Key: .*(created_at|COALESCE)/g)).toHaveLength(2);
    }
  });
});
