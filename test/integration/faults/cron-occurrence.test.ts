import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExportJobs, exportRunnerDeps } from '../../../exporter/run/export-scheduler.js';
import { createLogger } from '../../../runtime/logger.js';
import { sendOccurrence } from '../../../storage/occurrence-worker.js';
import { startSweeper } from '../../../runtime/sweep-job.js';
import { rowStatisticSources } from '../../../runtime/stats/flow-stats.js';
import { occurrenceAtOrBefore } from '../../../storage/cron-occurrences.js';
import { openStorage, type Storage } from '../../../storage/storage.js';
import { STORE_TABLES } from '../../../core/store-tables.js';
import { createWorkspace } from '../../../storage/workspace-repository.js';
import { insertBulkRows } from '../../support/bulk-rows.js';
import { registry } from '../../support/flow-harness.js';
import { createTestStorage, type TestStorage } from '../../support/test-database.js';
import { waitUntil } from '../../support/wait-until.js';

/** A cron that never fires while the test runs: every job here is sent by the test itself. */
const YEARLY = '0 0 1 1 *';
const EXPIRED = 300;

let storage: TestStorage;
/** A second process's storage on the same database: a second worker of every queue. */
let second: Storage;
let dataDir: string;

beforeAll(async () => {
  storage = await createTestStorage();
  second = await openStorage({ connectionString: storage.url, masterKey: storage.masterKey, clock: storage.clock, schedule: false, migrate: false });
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'parley-cron-occurrence-'));
  const workspace = await createWorkspace(storage, { name: 'Occurrences' });
  const day = 86_400_000;
  const now = storage.clock.now().getTime();
  await insertBulkRows(storage.db, { workspaceId: workspace.id, table: 'participations', count: EXPIRED, createdAt: new Date(now - 10 * day), expiresAt: new Date(now - day) });
  const logger = createLogger('silent');
  for (const worker of [storage, second]) {
    await startSweeper(worker, { cron: YEARLY, batchSize: 100, clock: storage.clock, logger, sources: rowStatisticSources(registry) });
    await new ExportJobs(worker, exportRunnerDeps(worker, registry, { dataDir, logger, clock: storage.clock })).start({ tickCron: YEARLY });
  }
});
afterAll(async () => {
  await second?.close();
  await storage?.destroy();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/** Sweep runs by the occurrence they recorded: runs (distinct run ids), rows (one per store table), rows deleted. */
async function sweepsByOccurrence(): Promise<Array<{ occurrence: string; runs: number; rows: number; deleted: number }>> {
  const result = await sql<{ occurrence: Date; runs: string; rows: string; deleted: string }>`
    select occurrence_at as occurrence, count(distinct run_id) as runs, count(*) as rows, sum(rows_deleted) as deleted
    from sweep_runs group by 1 order by 1`.execute(storage.db);
  return result.rows.map((r) => ({ occurrence: r.occurrence.toISOString(), runs: Number(r.runs), rows: Number(r.rows), deleted: Number(r.deleted) }));
}

/** Waits until every job of `queue` has been handled (none created, retrying or active). */
async function drained(queue: string): Promise<void> {
  await waitUntil(async () => {
    const result = await sql<{ pending: string; done: string }>`
      select count(*) filter (where state < 'completed') as pending, count(*) filter (where state = 'completed') as done
      from pgboss.job where name = ${queue}`.execute(storage.db);
    return Number(result.rows[0]!.pending) === 0 && Number(result.rows[0]!.done) > 0;
  }, { what: `the ${queue} jobs to be handled`, timeoutMs: 60_000 });
}

const one = (occurrence: string, deleted: number) => ({ occurrence, runs: 1, rows: STORE_TABLES.length, deleted });

describe('each cron occurrence runs once, however often it fires', () => {
  it('the same sweep occurrence fired three times (two workers, duplicate jobs) records one run', async () => {
    const at = new Date('2026-11-29T09:48:00Z');
    await sendOccurrence(storage, 'sweep', at);
    await sendOccurrence(second, 'sweep', at);
    // A duplicate that carries no singleton key at all (a second scheduler, a replayed job).
    await storage.jobs.send('sweep', { occurrence: at.toISOString() });
    await drained('sweep');
    expect(await sweepsByOccurrence()).toEqual([one('2026-11-29T09:48:00.000Z', EXPIRED)]);
  });

  it('a late job for 09:47 handled after 09:48 was swept serves 09:47, once; 09:48 fired again is a no-op', async () => {
    await sendOccurrence(second, 'sweep', new Date('2026-11-29T09:47:00Z'));
    await sendOccurrence(storage, 'sweep', new Date('2026-11-29T09:48:00Z'));
    await drained('sweep');
    expect(await sweepsByOccurrence()).toEqual([one('2026-11-29T09:47:00.000Z', 0), one('2026-11-29T09:48:00.000Z', EXPIRED)]);
  });

  it('scheduled fires carry no payload: each serves the occurrence it was created for, so two fires of one occurrence run once', async () => {
    // What pg-boss's scheduler sends, twice (its debounce can let a second fire through on a busy machine).
    await storage.jobs.send('sweep', {});
    await second.jobs.send('sweep', {});
    await drained('sweep');
    const fired = occurrenceAtOrBefore(YEARLY, new Date()).toISOString();
    expect((await sweepsByOccurrence()).filter((m) => m.occurrence === fired)).toEqual([one(fired, 0)]);
  });

  it('an export tick fired twice for one occurrence is served once', async () => {
    const at = new Date('2026-11-29T09:48:00Z');
    await sendOccurrence(storage, 'export-tick', at);
    await sendOccurrence(second, 'export-tick', at);
    await drained('export-tick');
    const claims = await sql<{ job_name: string; occurrence_at: Date }>`select job_name, occurrence_at from cron_occurrences where job_name = 'export-tick'`.execute(storage.db);
    expect(claims.rows).toEqual([{ job_name: 'export-tick', occurrence_at: at }]);
  });
});
