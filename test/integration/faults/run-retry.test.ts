import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DestinationError } from '../../../core/errors.js';
import { createDestination } from '../../../exporter/destinations/create-destination.js';
import { ExportJobs, exportRunnerDeps, RUN_JOB_RETRY } from '../../../exporter/run/export-scheduler.js';
import { createLogger } from '../../../runtime/logger.js';
import { createExport } from '../../../storage/export-repository.js';
import { getRun, type ExportRun } from '../../../storage/export-run-repository.js';
import { flowSetup, registry, saveTestFlow } from '../../support/flow-harness.js';
import { BENCH_FLOW, FIVE_FILTER_EXPORT, insertParticipations } from '../../support/participation-fixture.js';
import { createTestStorage, type TestStorage } from '../../support/test-database.js';
import { waitUntil } from '../../support/wait-until.js';

const YEARLY = '0 0 1 1 *';

let storage: TestStorage;
let dataDir: string;
let workspaceId: string;
let jobs: ExportJobs;
/** Uploads the partner server refuses, by directory: how many more to refuse (Infinity: all). */
const refusals = new Map<string, number>();

beforeAll(async () => {
  storage = await createTestStorage({ start: new Date('2026-11-29T09:00:00Z') });
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'parley-run-retry-'));
  const { workspace } = await flowSetup(storage);
  workspaceId = workspace.id;
  const flow = await saveTestFlow(storage, workspace, 'bench', BENCH_FLOW);
  await insertParticipations(storage.db, { workspaceId, flowId: flow.id, count: 20, start: new Date('2026-11-28T09:00:00Z') });
  const deps = exportRunnerDeps(storage, registry, { dataDir, logger: createLogger('silent'), clock: storage.clock });
  jobs = new ExportJobs(storage, {
    ...deps,
    maxAttempts: 2,
    // A partner server that is down (a retryable failure) for the uploads `refusals` names.
    destinationFor: (config) => {
      const real = createDestination(config, { localRoot: deps.localRoot });
      const directory = (config as { directory: string }).directory;
      return {
        test: (signal) => real.test(signal),
        upload: async (source, meta) => {
          const left = refusals.get(directory) ?? 0;
          if (left <= 0) return real.upload(source, meta);
          refusals.set(directory, left - 1);
          source.resume();
          throw new DestinationError('The partner server is down', { retryable: true });
        },
      };
    },
  });
  await jobs.start({ tickCron: YEARLY });
});
afterAll(async () => {
  await storage?.destroy();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

interface JobRow {
  readonly id: string;
  readonly state: string;
  readonly retry_count: number;
  readonly retry_limit: number;
  readonly retry_delay: number;
  readonly retry_backoff: boolean;
  /**
   * Seconds from the delivery that failed starting to the job's next start, on the database's
   * clock (which pg-boss uses): the backoff plus that delivery's run time, never less than the
   * backoff, however long after the failure this is read.
   */
  readonly backoff_seconds: number;
  /** How long pg-boss lets the job's handler run before it fails the job. */
  readonly expire_seconds: number;
}

async function jobOf(runId: string): Promise<JobRow> {
  const result = await sql<JobRow>`
    select id, state, retry_count, retry_limit, retry_delay, retry_backoff, extract(epoch from start_after - started_on)::float as backoff_seconds,
      extract(epoch from expire_in)::float as expire_seconds
    from pgboss.job where name = 'export-run' and data->>'runId' = ${runId}`.execute(storage.db);
  expect(result.rows).toHaveLength(1);
  return result.rows[0]!;
}

/** pg-boss's backoff is on the database's clock: bring the job's next start to now, as if it had passed. */
async function backoffElapses(jobId: string): Promise<void> {
  await sql`update pgboss.job set start_after = now() where id = ${jobId} and state = 'retry'`.execute(storage.db);
}

async function queuedRun(name: string, directory: string): Promise<ExportRun> {
  const row = await createExport(storage, workspaceId, { ...FIVE_FILTER_EXPORT, name, destination: { kind: 'local', directory } }, null);
  return (await jobs.enqueue(row, 'manual'))!;
}

const finished = (runId: string) => async () => {
  const run = await getRun(storage, runId);
  return run?.status === 'succeeded' || run?.status === 'failed' ? run : undefined;
};

describe('a run that fails retryably is retried by pg-boss (retryLimit, retryDelay, retryBackoff)', () => {
  it('hands its job back with a backed-off start; the retry delivers the file', async () => {
    refusals.set('flaky', 1);
    const run = await queuedRun('Flaky', 'flaky');
    const waiting = await waitUntil(async () => {
      const job = await jobOf(run.id);
      return job.state === 'retry' ? job : undefined;
    }, { what: 'the job to be handed back for a retry', timeoutMs: 30_000 });
    expect(waiting).toMatchObject({ retry_count: 0, retry_limit: RUN_JOB_RETRY.retryLimit, retry_delay: RUN_JOB_RETRY.retryDelay, retry_backoff: true });
    // Not pg-boss's 15 minutes: a long run keeps its job, and its worker takes no other run meanwhile.
    expect(waiting.expire_seconds).toBe(23 * 3600);
    // The first backoff is between one and two retry delays (jittered), counted by the database.
    expect(waiting.backoff_seconds).toBeGreaterThanOrEqual(RUN_JOB_RETRY.retryDelay!);
    expect(await getRun(storage, run.id)).toMatchObject({ status: 'queued', attempts: 1, error: 'destination_failed: The partner server is down' });

    await backoffElapses(waiting.id);
    const done = await waitUntil(finished(run.id), { what: 'the retried run', timeoutMs: 30_000 });
    expect(done).toMatchObject({ status: 'succeeded', attempts: 2, rows: 20, error: null });
    expect(await readdir(path.join(dataDir, 'exports', 'flaky'))).toEqual([done.fileName]);
    // The run row is written inside the job's handler; pg-boss completes the job after it returns.
    await waitUntil(async () => (await jobOf(run.id)).state === 'completed', { what: 'the job to complete' });
    expect(await jobOf(run.id)).toMatchObject({ retry_count: 1 });
  }, 90_000);

  it('ends failed after the run\'s last attempt, and its job completes instead of retrying again', async () => {
    refusals.set('down', Infinity);
    const run = await queuedRun('Down', 'down');
    const waiting = await waitUntil(async () => {
      const job = await jobOf(run.id);
      return job.state === 'retry' ? job : undefined;
    }, { what: 'the first retry', timeoutMs: 30_000 });
    await backoffElapses(waiting.id);
    const done = await waitUntil(finished(run.id), { what: 'the last attempt', timeoutMs: 30_000 });
    expect(done).toMatchObject({ status: 'failed', attempts: 2, fileName: null, error: 'destination_failed: The partner server is down' });
    await waitUntil(async () => (await jobOf(run.id)).state === 'completed', { what: 'the job to complete' });
    expect(await jobOf(run.id)).toMatchObject({ retry_count: 1 });
  }, 90_000);
});
