import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pipeline, Transform } from 'node:stream';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDestination } from '../../../exporter/destinations/create-destination.js';
import { executeRun, type RunnerDeps } from '../../../exporter/run/export-runner.js';
import { systemClock } from '../../../core/clock.js';
import { createLogger } from '../../../runtime/logger.js';
import { Keyring } from '../../../storage/crypto/keyring.js';
import { openDatabase, type DatabaseHandle } from '../../../storage/database.js';
import { createExport } from '../../../storage/export-repository.js';
import { claimRun, getRun, queueRun } from '../../../storage/export-run-repository.js';
import type { ExportStorage } from '../../../exporter/export-service.js';
import type { Storage } from '../../../storage/storage.js';
import { flowSetup, registry, saveTestFlow } from '../../support/flow-harness.js';
import { BENCH_FLOW, FIVE_FILTER_EXPORT, insertParticipations } from '../../support/participation-fixture.js';
import { startPartitionProxy, type PartitionProxy } from '../../support/partition-proxy.js';
import { createTestStorage, type TestStorage } from '../../support/test-database.js';
import { leaseRunOut } from '../../support/run-lease.js';
import { waitUntil } from '../../support/wait-until.js';

let storage: TestStorage;
/** The same database on the real clock: leases are compared with real time here. */
let realTime: Storage;
/** A worker's own connection to the database, through a network that can be cut. */
let proxy: PartitionProxy;
let remote: DatabaseHandle;
let cutOff: ExportStorage;
let workspaceId: string;
let localRoot: string;

beforeAll(async () => {
  storage = await createTestStorage();
  realTime = Object.assign(Object.create(null), storage, { clock: systemClock }) as Storage;
  proxy = await startPartitionProxy(Number(new URL(storage.url).port));
  const url = new URL(storage.url);
  url.port = String(proxy.port);
  remote = openDatabase(url.toString(), { max: 4 });
  // The run's bookkeeping (claim, lease, outcome) goes through the proxy; the rows it exports come
  // over a connection of their own, as if already read: only the lease can stop this worker.
  cutOff = { db: remote.db, pool: storage.pool, keyring: new Keyring(remote.db, storage.keyring.masterKeys), clock: systemClock };
  localRoot = await mkdtemp(path.join(os.tmpdir(), 'parley-lease-lost-'));
  const { workspace } = await flowSetup(storage);
  workspaceId = workspace.id;
  const flow = await saveTestFlow(storage, workspace, 'bench', BENCH_FLOW);
  await insertParticipations(storage.db, { workspaceId, flowId: flow.id, count: 500, start: new Date(Date.now() - 86_400_000) });
});
afterAll(async () => {
  proxy?.heal();
  await remote?.close().catch(() => undefined);
  await proxy?.stop();
  await storage?.destroy();
  if (localRoot) await rm(localRoot, { recursive: true, force: true });
});

/** A local destination whose data stops flowing until `held` opens: the upload is under way, its `.part` on disk. */
function holdingDestination(held: Promise<void>): RunnerDeps['destinationFor'] {
  return (config) => {
    const real = createDestination(config, { localRoot });
    return {
      test: (signal) => real.test(signal),
      upload: (source, meta) => {
        const hold = new Transform({ transform: (chunk: Buffer, _encoding, callback) => void held.then(() => callback(null, chunk)) });
        return real.upload(pipeline(source, hold, () => undefined), meta);
      },
    };
  };
}

function gate(): { opened: Promise<void>; open(): void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

async function queuedRun(name: string, directory: string): Promise<string> {
  const row = await createExport(storage, workspaceId, { ...FIVE_FILTER_EXPORT, name, destination: { kind: 'local', directory } }, null);
  const run = await queueRun(storage, { exportId: row.id, workspaceId, trigger: 'manual', definitionVersion: row.version });
  return run!.id;
}

const files = async (directory: string) => (await readdir(path.join(localRoot, directory)).catch(() => [] as string[])).sort();
const deps = (worker: ExportStorage, leaseMs: number, destinationFor?: RunnerDeps['destinationFor']): RunnerDeps => ({
  storage: worker, registry, localRoot, logger: createLogger('silent'), leaseMs, ...(destinationFor && { destinationFor }),
});

describe('a worker that loses its lease mid-upload', () => {
  it('cut off from the database longer than its lease: aborts, renames nothing, leaves the run to a takeover that delivers it once', async () => {
    const runId = await queuedRun('Cut off', 'cut');
    const held = gate();
    const stale = executeRun(deps(cutOff, 1_500, holdingDestination(held.opened)), runId);
    await waitUntil(async () => (await files('cut')).some((name) => name.endsWith('.part')), { what: 'the upload to start' });
    proxy.partition();
    // No timing is asserted: the worker gives up once its own lease deadline has passed unrenewed.
    expect(await stale).toBe('lease_lost');
    held.open();
    expect(await files('cut')).toEqual([]);
    expect(await getRun(storage, runId)).toMatchObject({ status: 'running', attempts: 1, rows: null });
    proxy.heal();
    await leaseRunOut(storage.db, runId);
    expect(await executeRun(deps(realTime, 60_000), runId)).toBe('succeeded');
    expect(await files('cut')).toEqual(['Cut off-1.csv']);
    expect(await getRun(storage, runId)).toMatchObject({ status: 'succeeded', attempts: 2, rows: 500 });
  }, 60_000);

  it('taken over while streaming: the lease check before the rename stops it, and the run stays with the new holder', async () => {
    const runId = await queuedRun('Taken over', 'taken');
    const held = gate();
    const stale = executeRun(deps(realTime, 60_000, holdingDestination(held.opened)), runId);
    await waitUntil(async () => (await files('taken')).some((name) => name.endsWith('.part')), { what: 'the upload to start' });
    // The lease runs out under the worker (a long pause), and another worker claims the run.
    await sql`update export_runs set lease_until = now() - interval '1 second' where id = ${runId}`.execute(storage.db);
    const takeover = await claimRun(realTime, runId, 60_000);
    expect(takeover).toMatchObject({ status: 'running', attempts: 2 });
    held.open();
    expect(await stale).toBe('lease_lost');
    expect(await files('taken')).toEqual([]);
    expect(await getRun(storage, runId)).toMatchObject({ status: 'running', attempts: 2, rows: null, leaseToken: takeover!.leaseToken });
  }, 60_000);
});
