import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueApiKey } from '../../../storage/api-key-repository.js';
import { getRun } from '../../../storage/export-run-repository.js';
import { childPids, isRunning } from '../../support/child-processes.js';
import { buildDist, runParley } from '../../support/cli-process.js';
import { sha256Hex } from '../../support/delivery-fixture.js';
import { flowSetup, saveTestFlow } from '../../support/flow-harness.js';
import { BENCH_FLOW, FIVE_FILTER_EXPORT, insertParticipations } from '../../support/participation-fixture.js';
import { startSshd, type SshdPeer } from '../../support/peers/sshd-peer.js';
import { startServerProcess, type ServerProcess } from '../../support/server-process.js';
import { createTestStorage, type TestStorage } from '../../support/test-database.js';
import { api } from '../../support/test-server.js';
import { startThrottlingProxy, type ThrottlingProxy } from '../../support/throttling-proxy.js';
import { leaseRunOut } from '../../support/run-lease.js';
import { waitUntil } from '../../support/wait-until.js';

const ROWS = 20_000;
/** The server's uplink to the SFTP peer: a 1.5 MB export takes a few seconds. */
const BYTES_PER_SECOND = 400_000;
/**
 * Short, so the takeover comes soon after the kill; long enough that a live worker on a loaded
 * machine, renewing every third of it, never loses it to a delayed heartbeat before the kill.
 */
const LEASE_MS = 10_000;

let storage: TestStorage;
let sshd: SshdPeer;
let proxy: ThrottlingProxy;
let dataDir: string;
let workspaceId: string;
let key: string;
const servers: ServerProcess[] = [];

beforeAll(async () => {
  [storage, sshd] = await Promise.all([createTestStorage(), startSshd({ passwordAuthentication: false }), buildDist()]);
  proxy = await startThrottlingProxy(sshd.port, BYTES_PER_SECOND);
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'parley-export-kill-'));
  const { workspace } = await flowSetup(storage);
  workspaceId = workspace.id;
  const flow = await saveTestFlow(storage, workspace, 'bench', BENCH_FLOW);
  await insertParticipations(storage.db, { workspaceId, flowId: flow.id, count: ROWS, start: new Date(Date.now() - 10 * 86_400_000) });
  key = (await issueApiKey(storage.db, workspaceId)).key;
}, 180_000);
afterAll(async () => {
  await Promise.all(servers.map((server) => server.kill()));
  await Promise.all([proxy?.stop(), sshd?.stop()]);
  await storage?.destroy();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/** A Parley server process on the test database with a short export lease. */
async function serverProcess(): Promise<ServerProcess> {
  const server = await startServerProcess({
    databaseUrl: storage.url,
    masterKey: storage.masterKey,
    extra: { PARLEY_DATA_DIR: dataDir, PARLEY_EXPORT_LEASE_MS: String(LEASE_MS) },
  });
  servers.push(server);
  return server;
}

const hidden = async () => (await readdir(sshd.dir)).filter((name) => name.startsWith('.')).sort();
const visible = async () => (await readdir(sshd.dir)).filter((name) => !name.startsWith('.')).sort();

describe('kill -9 during an export upload', () => {
  it('ends the run\'s process too, leaves no file under the final name; a second process takes the run over after its lease and delivers it once', async () => {
    const first = await serverProcess();
    const created = await api(first.url, key, 'POST', '/api/v1/exports', {
      ...FIVE_FILTER_EXPORT,
      name: 'Killed upload',
      destination: { kind: 'sftp', host: '127.0.0.1', port: proxy.port, username: sshd.username, privateKey: sshd.clientPrivateKey, hostKeySha256: sshd.hostKeySha256, directory: 'upload' },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const exportId = created.body.id as string;
    const started = await api(first.url, key, 'POST', `/api/v1/exports/${exportId}/runs`);
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    const runId = started.body.id as string;

    // Mid-upload: the temporary file on the partner's server has grown past 300 KB.
    const part = await waitUntil(
      async () => {
        for (const name of await hidden()) if ((await stat(path.join(sshd.dir, name))).size > 300_000) return name;
        return undefined;
      },
      { what: 'the upload to be under way', timeoutMs: 60_000, describe: () => first.output() },
    );
    expect(await getRun(storage, runId)).toMatchObject({ status: 'running', attempts: 1 });
    // The server runs the export in a process of its own, which ends with it.
    const runProcesses = await childPids(first.child.pid!, 'export-run-child');
    expect(runProcesses).toHaveLength(1);
    await first.kill();
    await waitUntil(async () => !(await isRunning(runProcesses[0]!)), { what: "the run's process to end with its server" });

    expect(await visible()).toEqual([]);
    // What the dead process leaves on the partner's server: its hidden temporary file, nothing under the final name.
    expect(await hidden()).toEqual([part]);
    expect(part).toMatch(/^\.Killed upload-1\.csv\.[0-9a-f]{12}\.part$/);
    expect(await getRun(storage, runId)).toMatchObject({ status: 'running', attempts: 1, fileName: null });

    await leaseRunOut(storage.db, runId, "the dead process's lease to run out");
    const second = await serverProcess();
    const done = await waitUntil(
      async () => {
        const run = await getRun(storage, runId);
        return run && (run.status === 'succeeded' || run.status === 'failed') ? run : undefined;
      },
      { what: 'the second process to deliver the run', timeoutMs: 100_000, intervalMs: 250, describe: async () => `${JSON.stringify(await getRun(storage, runId))}\n${second.output()}` },
    );
    expect(done).toMatchObject({ status: 'succeeded', attempts: 2, rows: ROWS, fileName: 'Killed upload-1.csv', error: null });

    const out = path.join(dataDir, 'render.csv');
    const render = await runParley(['export', 'render', '--workspace', workspaceId, '--export', exportId, '--out', out], { databaseUrl: storage.url, masterKey: storage.masterKey });
    expect(render.code, render.stderr).toBe(0);
    const expected = await readFile(out);
    expect(await visible()).toEqual(['Killed upload-1.csv']);
    const delivered = await readFile(path.join(sshd.dir, 'Killed upload-1.csv'));
    expect(delivered.equals(expected)).toBe(true);
    expect(done.sha256).toBe(sha256Hex(expected));
    // The retry streams to a temporary name of its own: the dead process's leftover is ignored, not reused.
    expect(await hidden()).toEqual([part]);

    const history = await api(second.url, key, 'GET', `/api/v1/exports/${exportId}/runs`);
    expect(history.body.runs.map((r: { id: string; status: string; attempts: number }) => [r.id, r.status, r.attempts])).toEqual([[runId, 'succeeded', 2]]);
  }, 180_000);
});
