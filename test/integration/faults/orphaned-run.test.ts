import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExportJobs, exportRunnerDeps } from '../../../exporter/run/export-scheduler.js';
import { createLogger } from '../../../runtime/logger.js';
import { sendOccurrence } from '../../../storage/occurrence-worker.js';
import { createExport } from '../../../storage/export-repository.js';
import { getRun, queueRun } from '../../../storage/export-run-repository.js';
import { flowSetup, registry, saveTestFlow } from '../../support/flow-harness.js';
import { BENCH_FLOW, FIVE_FILTER_EXPORT, insertParticipations } from '../../support/participation-fixture.js';
import { createTestStorage, type TestStorage } from '../../support/test-database.js';
import { waitUntil } from '../../support/wait-until.js';

const YEARLY = '0 0 1 1 *';

let storage: TestStorage;
let dataDir: string;
let workspaceId: string;

beforeAll(async () => {
  storage = await createTestStorage({ start: new Date('2026-11-29T09:00:00Z') });
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'parley-orphaned-run-'));
  const { workspace } = await flowSetup(storage);
  workspaceId = workspace.id;
  const flow = await saveTestFlow(storage, workspace, 'bench', BENCH_FLOW);
  await insertParticipations(storage.db, { workspaceId, flowId: flow.id, count: 20, start: new Date('2026-11-28T09:00:00Z') });
  const jobs = new ExportJobs(storage, exportRunnerDeps(storage, registry, { dataDir, logger: createLogger('silent'), clock: storage.clock }));
  await jobs.start({ tickCron: YEARLY });
});
afterAll(async () => {
  await storage?.destroy();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/** Fires the export tick of one occurrence and waits until its job has been handled. */
async function tickAt(occurrence: Date): Promise<void> {
  await sendOccurrence(storage, 'export-tick', occurrence);
  await waitUntil(async () => {
    const result = await sql<{ pending: string }>`select count(*) as pending from pgboss.job where name = 'export-tick' and state < 'completed'`.execute(storage.db);
    return Number(result.rows[0]!.pending) === 0;
  }, { what: 'the tick to be handled' });
}

async function jobsFor(runId: string): Promise<number> {
  const result = await sql<{ jobs: string }>`select count(*) as jobs from pgboss.job where name = 'export-run' and data->>'runId' = ${runId}`.execute(storage.db);
  return Number(result.rows[0]!.jobs);
}

describe('a run left queued without a job (its process died between the two)', () => {
  it('is sent again by the tick once it has waited past the grace period, and is delivered once', async () => {
    const row = await createExport(storage, workspaceId, { ...FIVE_FILTER_EXPORT, name: 'Orphan', destination: { kind: 'local', directory: 'orphan' } }, null);
    // What a process that died right after queuing leaves behind: the run, and no job.
    const run = (await queueRun(storage, { exportId: row.id, workspaceId, trigger: 'manual', definitionVersion: row.version }))!;

    // Just queued: its job may still be on its way, so the tick leaves it alone.
    await tickAt(new Date('2026-11-29T09:00:00Z'));
    expect(await getRun(storage, run.id)).toMatchObject({ status: 'queued', attempts: 0 });
    expect(await jobsFor(run.id)).toBe(0);

    storage.clock.set(new Date('2026-11-29T09:02:00Z'));
    await tickAt(new Date('2026-11-29T09:02:00Z'));
    const done = await waitUntil(async () => {
      const current = await getRun(storage, run.id);
      return current?.status === 'succeeded' || current?.status === 'failed' ? current : undefined;
    }, { what: 'the orphaned run to be delivered', timeoutMs: 60_000 });
    expect(done).toMatchObject({ status: 'succeeded', attempts: 1, rows: 20 });
    expect(await jobsFor(run.id)).toBe(1);
    expect(await readdir(path.join(dataDir, 'exports', 'orphan'))).toEqual([done.fileName]);
  }, 90_000);
});
