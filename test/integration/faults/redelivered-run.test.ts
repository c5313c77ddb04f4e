import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDestination } from '../../../exporter/destinations/create-destination.js';
import { executeRun, type RunnerDeps, type RunOutcome } from '../../../exporter/run/export-runner.js';
import { systemClock } from '../../../core/clock.js';
import { ExportJobs } from '../../../exporter/run/export-scheduler.js';
import { createLogger } from '../../../runtime/logger.js';
import { createExport } from '../../../storage/export-repository.js';
import { claimRun, getRun, queueRun } from '../../../storage/export-run-repository.js';
import type { Storage } from '../../../storage/storage.js';
import { flowSetup, registry, saveTestFlow } from '../../support/flow-harness.js';
import { BENCH_FLOW, FIVE_FILTER_EXPORT, insertParticipations } from '../../support/participation-fixture.js';
import { leaseRunOut } from '../../support/run-lease.js';
import { createTestStorage, type TestStorage } from '../../support/test-database.js';
import { waitUntil } from '../../support/wait-until.js';

let storage: TestStorage;
/** The same storage on the real clock: leases are compared with real time here. */
let realTime: Storage;
let workspaceId: string;
let localRoot: string;

beforeAll(async () => {
  storage = await createTestStorage();
  realTime = Object.assign(Object.create(null), storage, { clock: systemClock }) as Storage;
  localRoot = await mkdtemp(path.join(os.tmpdir(), 'parley-redelivered-'));
  const { workspace } = await flowSetup(storage);
  workspaceId = workspace.id;
  const flow = await saveTestFlow(storage, workspace, 'bench', BENCH_FLOW);
  await insertParticipations(storage.db, { workspaceId, flowId: flow.id, count: 2_000, start: new Date(Date.now() - 10 * 86_400_000) });
});
afterAll(async () => {
  await storage?.destroy();
  if (localRoot) await rm(localRoot, { recursive: true, force: true });
});

/** A promise with its resolve function, for a gate the test opens on an event. */
function gate(): { opened: Promise<void>; open(): void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

/**
 * A local destination that counts uploads and holds the first one until `held` opens: a slow
 * partner server. Later uploads (a double delivery) go straight through, so a test fails rather than hangs.
 */
function slowDestination(held: Promise<void>): { destinationFor: RunnerDeps['destinationFor']; uploads(): number } {
  let uploads = 0;
  return {
    uploads: () => uploads,
    destinationFor: (config) => {
      const real = createDestination(config, { localRoot });
      return {
        test: (signal) => real.test(signal),
        upload: async (source, meta) => {
          uploads += 1;
          if (uploads === 1) await held;
          return real.upload(source, meta);
        },
      };
    },
  };
}

/** A queued run of a fresh export into `<localRoot>/<directory>` (manual, or for a scheduled occurrence). */
async function queuedRun(name: string, directory: string, occurrence?: { key: string; at: Date; pattern: string }): Promise<string> {
  const definition = { ...FIVE_FILTER_EXPORT, name, destination: { kind: 'local', directory }, ...(occurrence && { fileNamePattern: occurrence.pattern }) };
  const row = await createExport(storage, workspaceId, definition, null);
  const trigger = occurrence ? 'scheduled' : 'manual';
  const run = await queueRun(storage, { exportId: row.id, workspaceId, trigger, definitionVersion: row.version, ...(occurrence && { occurrenceKey: occurrence.key, asOf: occurrence.at }) });
  return run!.id;
}

function deps(destinationFor?: RunnerDeps['destinationFor'], leaseMs?: number): RunnerDeps & { clock: typeof systemClock } {
  return { storage: realTime, registry, localRoot, logger: createLogger('silent'), clock: systemClock, ...(destinationFor && { destinationFor }), ...(leaseMs !== undefined && { leaseMs }) };
}

const files = async (directory: string) => (await readdir(path.join(localRoot, directory))).sort();

/** The pg-boss jobs of a run: their state and retries. */
async function runJobs(runId: string): Promise<Array<{ state: string; retry_count: number }>> {
  const result = await sql<{ state: string; retry_count: number }>`
    select state, retry_count from pgboss.job where name = 'export-run' and data->>'runId' = ${runId}`.execute(storage.db);
  return result.rows;
}

/** A run's row and its pg-boss jobs, for a failure message: where a run stuck `running` stands. */
async function runAndJobs(runId: string): Promise<string> {
  const run = await sql`select status, attempts, progress_rows, lease_until, lease_until < now() as expired, started_at, error from export_runs where id = ${runId}`.execute(storage.db);
  return JSON.stringify({ run: run.rows[0], jobs: await runJobs(runId), pool: { total: storage.pool.totalCount, idle: storage.pool.idleCount, waiting: storage.pool.waitingCount } });
}

describe('a run handled twice', () => {
  it('two workers executing one run at once: one delivers, the other is skipped', async () => {
    const runId = await queuedRun('Twice', 'twice');
    const held = gate();
    const slow = slowDestination(held.opened);
    const runs = [executeRun(deps(slow.destinationFor), runId), executeRun(deps(slow.destinationFor), runId)];
    const first = await Promise.race(runs);
    expect(first).toBe('skipped');
    held.open();
    expect((await Promise.all(runs)).sort()).toEqual(['skipped', 'succeeded']);
    expect(slow.uploads()).toBe(1);
    expect(await files('twice')).toEqual(['Twice-1.csv']);
    expect(await getRun(storage, runId)).toMatchObject({ status: 'succeeded', attempts: 1, rows: 2_000 });
  });

  it('a lease shorter than the heartbeat default is renewed in time: a worker arriving after the first lease would have ended is skipped', async () => {
    const runId = await queuedRun('Short lease', 'short');
    const held = gate();
    const slow = slowDestination(held.opened);
    // Below the 5 s heartbeat default, so only a heartbeat scaled to the lease keeps it; long
    // enough that a renewal a loaded machine delays by a second or two still lands in time.
    const leaseMs = 3_000;
    const first = executeRun(deps(slow.destinationFor, leaseMs), runId);
    const claimed = await waitUntil(async () => (slow.uploads() === 1 ? await getRun(storage, runId) : undefined), { what: 'the first worker to start uploading' });
    // Past the lease the first claim took (and still before a 5 s heartbeat): only renewals keep the run.
    const firstLeaseEnd = claimed.startedAt!.getTime() + leaseMs;
    await waitUntil(() => Date.now() > firstLeaseEnd + 1_000, { what: 'the first lease to run out', timeoutMs: 10_000 });
    expect(await executeRun(deps(slow.destinationFor, leaseMs), runId)).toBe('skipped');
    held.open();
    expect(await first).toBe('succeeded');
    expect(slow.uploads()).toBe(1);
    expect(await files('short')).toEqual(['Short lease-1.csv']);
    expect(await getRun(storage, runId)).toMatchObject({ status: 'succeeded', attempts: 1 });
  });

  it('pg-boss re-delivers a job whose handler outlived its expiry: the second delivery is skipped, one file is written', async () => {
    const runId = await queuedRun('Expired job', 'expired');
    const held = gate();
    const slow = slowDestination(held.opened);
    const jobs = new ExportJobs(realTime, deps(slow.destinationFor));
    const outcomes: RunOutcome[] = [];
    jobs.onOutcome = (outcome) => {
      outcomes.push(outcome);
      if (outcome === 'skipped') held.open();
    };
    await jobs.start();
    // pg-boss gives a handler `expireInSeconds`, then fails the job and hands it out again.
    await storage.jobs.send('export-run', { runId }, { expireInSeconds: 1 });
    await waitUntil(() => outcomes.length === 2, { what: 'both deliveries of the job', timeoutMs: 30_000, describe: () => JSON.stringify(outcomes) });
    expect(outcomes).toEqual(['skipped', 'succeeded']);
    expect(slow.uploads()).toBe(1);
    expect(await files('expired')).toEqual(['Expired job-1.csv']);
    expect(await getRun(storage, runId)).toMatchObject({ status: 'succeeded', attempts: 1 });
    // Outcomes are told inside the handlers; pg-boss completes the job after the second one returns.
    await waitUntil(async () => (await runJobs(runId)).every((row) => row.state === 'completed'), { what: 'the job to complete', describe: async () => JSON.stringify(await runJobs(runId)) });
    expect(await runJobs(runId)).toEqual([{ state: 'completed', retry_count: 1 }]);
  });

  it('a run whose worker died is queued again once its lease has run out (not before), and keeps its occurrence instant', async () => {
    // 09:30 in Paris on 15 January 2026: the scheduled occurrence the run stands for.
    const at = new Date('2026-01-15T08:30:00Z');
    const runId = await queuedRun('Rescued', 'rescued', { key: 'scheduled:2026-01-15T09:30', at, pattern: '{export}-{date}-{time}' });
    const jobs = new ExportJobs(realTime, deps());
    await jobs.start();
    // A worker claims the run and dies at once: no heartbeat, no job left to anyone else. Its
    // lease outlasts the next statement even when a loaded machine pauses between the two.
    expect(await claimRun(realTime, runId, 5_000)).toMatchObject({ status: 'running', attempts: 1 });
    expect(await jobs.rescue(new Date())).toEqual([]);
    await leaseRunOut(storage.db, runId, 'the dead worker\'s lease to run out');
    // The test storage runs no cron ticks, so this call is the only rescue: it queues the run, and nothing else.
    expect(await jobs.rescue(new Date())).toEqual([runId]);
    // Any export-run worker of this queue may take the job (the earlier tests' ones too). Twice in
    // CI (2026-12-03, 2026-12-04) the run stayed `running` with no job at all: the test waited on
    // the database's clock, and its rescue fell in the lease's last millisecond (see leaseRunOut).
    await waitUntil(async () => (await getRun(storage, runId))?.status !== 'running' || undefined, { what: 'the rescued run', timeoutMs: 90_000, describe: () => runAndJobs(runId) });
    expect(await getRun(storage, runId)).toMatchObject({ status: 'succeeded', attempts: 2, fileName: 'Rescued-20260115-093000.csv', cutoffAt: at });
    expect(await files('rescued')).toEqual(['Rescued-20260115-093000.csv']);
    expect(await jobs.rescue(new Date())).toEqual([]);
  }, 150_000);
});
