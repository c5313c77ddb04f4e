import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeRun, type RunnerDeps } from '../../../exporter/run/export-runner.js';
import { systemClock } from '../../../core/clock.js';
import { createLogger } from '../../../runtime/logger.js';
import { splitSecrets } from '../../../exporter/definition/definition-secrets.js';
import { createExport } from '../../../storage/export-repository.js';
import { getRun, queueRun } from '../../../storage/export-run-repository.js';
import type { Storage } from '../../../storage/storage.js';
import { flowSetup, registry, saveTestFlow } from '../../support/flow-harness.js';
import { BENCH_FLOW, FIVE_FILTER_EXPORT, insertParticipations } from '../../support/participation-fixture.js';
import { startSshd, type SshdPeer } from '../../support/peers/sshd-peer.js';
import { startVsftpd, type VsftpdPeer } from '../../support/peers/vsftpd-peer.js';
import { createTestStorage, type TestStorage } from '../../support/test-database.js';

let storage: TestStorage;
let realTime: Storage;
let workspaceId: string;
let localRoot: string;
let sshd: SshdPeer;
let ftp: VsftpdPeer;

beforeAll(async () => {
  [storage, sshd, ftp] = await Promise.all([createTestStorage(), startSshd({ passwordAuthentication: false }), startVsftpd({ tls: false })]);
  realTime = Object.assign(Object.create(null), storage, { clock: systemClock }) as Storage;
  localRoot = await mkdtemp(path.join(os.tmpdir(), 'parley-stale-parts-'));
  const { workspace } = await flowSetup(storage);
  workspaceId = workspace.id;
  const flow = await saveTestFlow(storage, workspace, 'bench', BENCH_FLOW);
  await insertParticipations(storage.db, { workspaceId, flowId: flow.id, count: 50, start: new Date(Date.now() - 86_400_000) });
});
afterAll(async () => {
  await Promise.all([storage?.destroy(), sshd?.stop(), ftp?.stop()]);
  if (localRoot) await rm(localRoot, { recursive: true, force: true });
});

const deps = (): RunnerDeps => ({ storage: realTime, registry, localRoot, logger: createLogger('silent') });

/** Runs an export once to `destination` and returns the run as recorded. */
async function deliverOnce(name: string, destination: Record<string, unknown>) {
  const { visible, secrets } = splitSecrets(destination as never);
  const row = await createExport(storage, workspaceId, { ...FIVE_FILTER_EXPORT, name, destination: visible }, secrets);
  const run = await queueRun(storage, { exportId: row.id, workspaceId, trigger: 'manual', definitionVersion: row.version });
  expect(await executeRun(deps(), run!.id)).toBe('succeeded');
  return (await getRun(storage, run!.id))!;
}

/**
 * What killed uploads leave behind, next to files that are not theirs to remove: a stale part
 * (untouched for an hour), a part of an upload still in progress (just written), and a
 * partner's own hidden file. Returns the names of each.
 */
async function leaveDebris(directory: string) {
  const stale = '.Partner feed-7.csv.0123456789ab.part';
  const live = '.Partner feed-8.csv.ba9876543210.part';
  const partners = '.partner-marker.part';
  for (const name of [stale, live, partners]) await writeFile(path.join(directory, name), 'half a file');
  const anHourAgo = new Date(Date.now() - 3_600_000);
  await utimes(path.join(directory, stale), anHourAgo, anHourAgo);
  await utimes(path.join(directory, partners), anHourAgo, anHourAgo);
  return { stale, live, partners };
}

describe('hidden .part files of killed uploads', () => {
  it('local: the next successful run to the directory removes the stale part, and only it', async () => {
    const directory = path.join(localRoot, 'drop');
    await mkdir(directory, { recursive: true });
    const debris = await leaveDebris(directory);
    const run = await deliverOnce('Local feed', { kind: 'local', directory: 'drop' });
    expect((await readdir(directory)).sort()).toEqual([debris.live, debris.partners, run.fileName!].sort());
  });

  it('SFTP: the next successful run to the directory removes the stale part, and only it', async () => {
    const debris = await leaveDebris(sshd.dir);
    const run = await deliverOnce('Sftp feed', {
      kind: 'sftp', host: '127.0.0.1', port: sshd.port, username: sshd.username, hostKeySha256: sshd.hostKeySha256, directory: 'upload', privateKey: sshd.clientPrivateKey,
    });
    expect(run.destination).toContain('sftp://');
    expect((await readdir(sshd.dir)).sort()).toEqual([debris.live, debris.partners, run.fileName!].sort());
  });

  it('FTP: the next successful run to the directory removes the stale part, and only it', async () => {
    const debris = await leaveDebris(ftp.dir);
    const run = await deliverOnce('Ftp feed', { kind: 'ftp', host: '127.0.0.1', port: ftp.port, user: ftp.user, password: ftp.password, directory: 'upload' });
    expect(run.destination).toContain('ftp://');
    expect((await readdir(ftp.dir)).sort()).toEqual([debris.live, debris.partners, run.fileName!].sort());
  });
});
