import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExport } from '../../../storage/export-repository.js';
import { buildDist, runParley } from '../../support/cli-process.js';
import { flowSetup, saveTestFlow } from '../../support/flow-harness.js';
import { insertRelatedEntries, RELATED_FIELDS_EXPORT, RELATED_FLOW } from '../../support/related-entries-fixture.js';
import { createTestStorage, type TestStorage } from '../../support/test-database.js';
import { waitUntil } from '../../support/wait-until.js';

/** Short, so the test holds the export up for a few leases; renewed every third of it, so no heartbeat delayed by a loaded machine loses it. */
const LEASE_MS = 6_000;
/** How long the export is held up: two and a half leases. */
const HELD_MS = 15_000;

let storage: TestStorage;
let dataDir: string;
let workspaceId: string;

beforeAll(async () => {
  [storage] = await Promise.all([createTestStorage(), buildDist()]);
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'parley-run-lease-'));
  const { workspace } = await flowSetup(storage);
  workspaceId = workspace.id;
  const flow = await saveTestFlow(storage, workspace, 'related', RELATED_FLOW);
  await insertRelatedEntries(storage.db, storage.keyring, { workspaceId, flowId: flow.id, count: 50, start: new Date(Date.now() - 86_400_000) });
}, 180_000);
afterAll(async () => {
  await storage?.destroy();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('parley export run', () => {
  it('keeps its lease while the export holds its two connections longer than the lease (was: lease_lost, the renewal waiting for a connection)', async () => {
    const row = await createExport(storage, workspaceId, { ...RELATED_FIELDS_EXPORT, name: 'Held up', destination: { kind: 'local', directory: 'held' } }, null);
    // A long statement on the related rows' connection, as at millions of entries: a lock on the
    // codes store holds the export's first related-rows read while its entries cursor is open.
    const locker = await storage.pool.connect();
    try {
      await locker.query('begin');
      await locker.query('lock table store_codes in access exclusive mode');
      const run = runParley(['export', 'run', '--workspace', workspaceId, '--export', row.id], {
        databaseUrl: storage.url,
        masterKey: storage.masterKey,
        dataDir,
        extra: { PARLEY_EXPORT_LEASE_MS: String(LEASE_MS) },
      });
      await waitUntil(
        async () => {
          // The related-rows connections wait in their first statement, the partitions' session spans.
          const waiting = await storage.pool.query(`select 1 from pg_stat_activity where wait_event_type = 'Lock' and query like 'select (select session_id from %'`);
          return waiting.rowCount! > 0;
        },
        {
          what: 'the export to wait for the codes store (its related rows)',
          timeoutMs: 30_000,
          describe: async () => JSON.stringify((await storage.pool.query(`select state, wait_event_type, left(query, 80) as query from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`)).rows),
        },
      );
      await new Promise((resolve) => setTimeout(resolve, HELD_MS));
      await locker.query('rollback');
      const result = await run;
      expect(result.stdout).toContain('run 1: succeeded');
      expect(result.stdout).toContain('rows: 50');
      expect(result.code).toBe(0);
      expect(await readdir(path.join(dataDir, 'exports', 'held'))).toHaveLength(1);
    } finally {
      await locker.query('rollback').catch(() => {});
      locker.release();
    }
  }, 90_000);
});
