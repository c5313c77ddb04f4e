import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../../runtime/server.js';
import { issueApiKey } from '../../../storage/api-key-repository.js';
import { getRun, type ExportRun } from '../../../storage/export-run-repository.js';
import { childPids, isRunning, threadNiceness } from '../../support/child-processes.js';
import { flowSetup, saveTestFlow } from '../../support/flow-harness.js';
import { BENCH_FLOW, FIVE_FILTER_EXPORT, insertParticipations } from '../../support/participation-fixture.js';
import { createTestStorage, type TestStorage } from '../../support/test-database.js';
import { api, startTestServer } from '../../support/test-server.js';
import { waitUntil } from '../../support/wait-until.js';

const ROWS = 2_000;
/** What the server's run processes carry in their command line. */
const MARKER = 'export-run-child';

let storage: TestStorage;
let dataDir: string;
let key: string;
const storages: TestStorage[] = [];
const servers: RunningServer[] = [];
let locker: pg.Client | undefined;

afterAll(async () => {
  await locker?.end().catch(() => {});
  for (const server of servers) await server.close().catch(() => {});
  for (const opened of storages) await opened.destroy();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/**
 * A database with a flow of ROWS entries, and a server on it that runs exports in processes. Each
 * test gets a database of its own: the job queue of a database's storage keeps the workers of
 * every server started on it, stopped or not, and any of them may take a run.
 */
async function processServer(env: Record<string, string> = {}): Promise<RunningServer> {
  storage = await createTestStorage();
  storages.push(storage);
  dataDir ??= await mkdtemp(path.join(os.tmpdir(), 'parley-run-process-'));
  const { workspace } = await flowSetup(storage);
  const flow = await saveTestFlow(storage, workspace, 'bench', BENCH_FLOW);
  await insertParticipations(storage.db, { workspaceId: workspace.id, flowId: flow.id, count: ROWS, start: new Date(Date.now() - 10 * 86_400_000) });
  key = (await issueApiKey(storage.db, workspace.id)).key;
  const server = await startTestServer(storage, { PARLEY_EXPORT_RUNNER: 'process', PARLEY_DATA_DIR: dataDir, PARLEY_EXPORT_PROCESS_IDLE_MS: '1000', ...env });
  servers.push(server);
  return server;
}

async function createExport(server: RunningServer, name: string): Promise<string> {
  const created = await api(server.url, key, 'POST', '/api/v1/exports', { ...FIVE_FILTER_EXPORT, name, destination: { kind: 'local', directory: 'partner' } });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body.id as string;
}

async function startRun(server: RunningServer, exportId: string): Promise<string> {
  const started = await api(server.url, key, 'POST', `/api/v1/exports/${exportId}/runs`);
  expect(started.status, JSON.stringify(started.body)).toBe(202);
  return started.body.id as string;
}

/** Holds the participations store locked, so that a run's process, once it has claimed its run, waits at its first read of the entries. */
async function lockEntries(): Promise<() => Promise<void>> {
  locker = new pg.Client({ connectionString: storage.url });
  await locker.connect();
  await locker.query('begin');
  await locker.query('lock table store_participations in access exclusive mode');
  const client = locker;
  return async () => {
    await client.query('rollback');
    await client.end();
    locker = undefined;
  };
}

/** The runs' processes (one per run), once each waits for the lock with its run claimed. */
async function blockedRunProcesses(runIds: readonly string[]): Promise<number[]> {
  return waitUntil(
    async () => {
      const waiting = await storage.pool.query(`select 1 from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`);
      const runs = await Promise.all(runIds.map((runId) => getRun(storage, runId)));
      const pids = await childPids(process.pid, MARKER);
      return waiting.rowCount! >= runIds.length && runs.every((run) => run?.status === 'running') && pids.length === runIds.length ? pids : undefined;
    },
    { what: "the runs' processes to claim their runs and wait for the entries", timeoutMs: 60_000, describe: async () => JSON.stringify(await Promise.all(runIds.map((runId) => getRun(storage, runId)))) },
  );
}

const finished = (runId: string, timeoutMs = 60_000) =>
  waitUntil(
    async () => {
      const run = await getRun(storage, runId);
      return run && (run.status === 'succeeded' || run.status === 'failed') ? run : undefined;
    },
    { what: 'the run to finish', timeoutMs, intervalMs: 200, describe: async () => JSON.stringify(await getRun(storage, runId)) },
  );

/** A run of a new export whose process has claimed it and waits for the entries, held locked until `release`. */
async function blockedRun(server: RunningServer, name: string): Promise<{ runId: string; pid: number; release: () => Promise<void> }> {
  const exportId = await createExport(server, name);
  const release = await lockEntries();
  const runId = await startRun(server, exportId);
  const [pid] = await blockedRunProcesses([runId]);
  return { runId, pid: pid!, release };
}

async function expectDelivered(run: ExportRun): Promise<void> {
  expect(run).toMatchObject({ status: 'succeeded', rows: ROWS, error: null });
  const file = await readFile(path.join(dataDir, 'exports', 'partner', run.fileName!));
  expect(file.toString('utf8').trimEnd().split('\n')).toHaveLength(ROWS + 1);
  expect(createHash('sha256').update(file).digest('hex')).toBe(run.sha256);
}

describe('export runs in a process of their own (PARLEY_EXPORT_RUNNER=process, the default)', () => {
  it('claims, streams, delivers and records the run in another process, which then ends (PARLEY_EXPORT_PROCESS_IDLE_MS=0)', async () => {
    const server = await processServer({ PARLEY_EXPORT_PROCESS_IDLE_MS: '0' });
    const { runId, pid, release } = await blockedRun(server, 'In a process');
    // Every thread of the process at PARLEY_EXPORT_NICE's default, so that the chat gets the CPU first.
    const niceness = await threadNiceness(pid);
    expect(niceness.length).toBeGreaterThan(1);
    expect(new Set(niceness)).toEqual(new Set([10]));
    // The server answers meanwhile.
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
    await release();
    const run = await finished(runId);
    await expectDelivered(run);
    expect(run.attempts).toBe(1);
    await waitUntil(async () => !(await isRunning(pid)), { what: "the run's process to end" });
    expect(await childPids(process.pid, MARKER)).toEqual([]);
    // Counted once the server has heard the outcome, a little after the process recorded the run and exited.
    const counted = /^parley_export_runs_total\{status="succeeded"\} 1$/m;
    await waitUntil(async () => counted.test(await (await fetch(`${server.url}/metrics`)).text()), { what: 'the run to be counted in /metrics' });
  }, 120_000);

  it('keeps the process for the next run while it idles less than PARLEY_EXPORT_PROCESS_IDLE_MS, and ends it with the server', async () => {
    const server = await processServer({ PARLEY_EXPORT_PROCESS_IDLE_MS: '600000' });
    const first = await blockedRun(server, 'First of two');
    await first.release();
    await expectDelivered(await finished(first.runId));
    // Still there, waiting for the next run, which it takes.
    expect(await childPids(process.pid, MARKER)).toEqual([first.pid]);
    const second = await blockedRun(server, 'Second of two');
    expect(second.pid).toBe(first.pid);
    await second.release();
    const run = await finished(second.runId);
    await expectDelivered(run);
    expect(run.attempts).toBe(1);
    const counted = /^parley_export_runs_total\{status="succeeded"\} 2$/m;
    await waitUntil(async () => counted.test(await (await fetch(`${server.url}/metrics`)).text()), { what: 'both runs to be counted in /metrics' });
    // The server's stop ends it, idle.
    await server.close();
    expect(await isRunning(first.pid)).toBe(false);
  }, 120_000);

  it('ends a process that has idled PARLEY_EXPORT_PROCESS_IDLE_MS, and starts another for the next run', async () => {
    const server = await processServer();
    const first = await blockedRun(server, 'Before the idle time');
    await first.release();
    await expectDelivered(await finished(first.runId));
    await waitUntil(async () => !(await isRunning(first.pid)), { what: 'the idle process to end' });
    const second = await blockedRun(server, 'After the idle time');
    expect(second.pid).not.toBe(first.pid);
    await second.release();
    await expectDelivered(await finished(second.runId));
  }, 120_000);

  it('records a run whose process is killed as failed, retries it, and keeps serving', async () => {
    const server = await processServer();
    const { runId, pid, release } = await blockedRun(server, 'Killed process');
    process.kill(pid, 'SIGKILL');
    const failed = await waitUntil(async () => ((await getRun(storage, runId))?.status === 'queued' ? getRun(storage, runId) : undefined), { what: 'the run to be queued again' });
    expect(failed).toMatchObject({ status: 'queued', attempts: 1, error: "export_failed: the run's process ended by SIGKILL" });
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
    await release();
    // pg-boss retries the job after its backoff (about 30 s: RUN_JOB_RETRY).
    const run = await finished(runId, 150_000);
    await expectDelivered(run);
    expect(run.attempts).toBe(2);
  }, 240_000);

  it('runs PARLEY_EXPORT_CONCURRENCY runs at once, each in its own process, and the next when one ends', async () => {
    const server = await processServer({ PARLEY_EXPORT_CONCURRENCY: '2' });
    const exportIds = [await createExport(server, 'First'), await createExport(server, 'Second'), await createExport(server, 'Third')];
    const release = await lockEntries();
    const runIds: string[] = [];
    for (const exportId of exportIds) runIds.push(await startRun(server, exportId));
    // Two of the three claimed, each in a process of its own, both waiting for the entries.
    const claimed = await waitUntil(
      async () => {
        const runs = await Promise.all(runIds.map((runId) => getRun(storage, runId)));
        const running = runs.filter((run) => run?.status === 'running').map((run) => run!.id);
        return running.length === 2 ? running : undefined;
      },
      { what: 'two runs to be claimed', timeoutMs: 60_000 },
    );
    const pids = await blockedRunProcesses(claimed);
    expect(new Set(pids).size).toBe(2);
    // The third waits its turn: with both workers busy, none takes it (pg-boss polls every 2 s).
    const third = runIds.find((runId) => !claimed.includes(runId))!;
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    expect(await getRun(storage, third)).toMatchObject({ status: 'queued', attempts: 0 });
    expect(await childPids(process.pid, MARKER)).toHaveLength(2);
    await release();
    for (const runId of runIds) await expectDelivered(await finished(runId));
    await waitUntil(async () => (await childPids(process.pid, MARKER)).length === 0, { what: "the runs' processes to end" });
  }, 180_000);

  it('ends its runs\' processes when the server stops, and queues their runs again at once', async () => {
    const server = await processServer();
    const { runId, pid, release } = await blockedRun(server, 'Server stopped');
    await server.close();
    expect(await isRunning(pid)).toBe(false);
    expect(await getRun(storage, runId)).toMatchObject({ status: 'queued', attempts: 1, error: 'export_failed: the server stopped during the run' });
    await release();
  }, 120_000);
});
