import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDestination } from '../../../exporter/destinations/create-destination.js';
import type { Destination } from '../../../exporter/destinations/destination.js';
import { executeRun, type RunnerDeps } from '../../../exporter/run/export-runner.js';
import { createLogger } from '../../../runtime/logger.js';
import { getRun, queueRun } from '../../../storage/export-run-repository.js';
import { startCuttingProxy, type CuttingProxy } from '../../support/cutting-proxy.js';
import { sha256Hex, startDeliveryFixture, type DeliveryFixture } from '../../support/delivery-fixture.js';
import { registry } from '../../support/flow-harness.js';
import { startSshd, type SshdPeer } from '../../support/peers/sshd-peer.js';
import { startVsftpd, type VsftpdPeer } from '../../support/peers/vsftpd-peer.js';

let fixture: DeliveryFixture;
let sshd: SshdPeer;
let ftp: VsftpdPeer;
let proxy: CuttingProxy;

beforeAll(async () => {
  [fixture, sshd, ftp] = await Promise.all([
    startDeliveryFixture({ start: new Date('2026-06-10T12:00:00Z') }),
    startSshd({ passwordAuthentication: false }),
    startVsftpd({ tls: false }),
  ]);
  proxy = await startCuttingProxy(sshd.port);
  for (const name of ['ann', 'bob', 'cy']) {
    await fixture.play(`${name}@example.org`, name);
    fixture.storage.clock.advance(60_000);
  }
});

afterAll(async () => {
  await Promise.all([fixture?.close(), proxy?.stop(), sshd?.stop(), ftp?.stop()]);
});

/** About 1.2 MB: 40 constant columns of 10,000 characters on each of the 3 rows. */
const bigExport = (name: string, destination: Record<string, unknown>) => ({
  name,
  source: { flow: 'spring' },
  fields: [
    { field: 'form.email', column: 'EMAIL' },
    ...Array.from({ length: 40 }, (_, i) => ({ field: 'custom', value: String.fromCharCode(65 + (i % 26)).repeat(10_000), column: `C${i}` })),
  ],
  format: { type: 'csv' },
  fileNamePattern: '{export}-{run}',
  destination,
});

/**
 * The runner's dependencies as the server builds them, with a stall limit far below the server's
 * (a run that hangs fails within the test) yet far above the pauses of a loaded machine: an SSH
 * handshake or a starved peer process moves no byte for seconds, and must not count as a stall.
 */
function deps(destinationFor?: RunnerDeps['destinationFor']): RunnerDeps {
  return { storage: fixture.storage, registry, localRoot: path.join(fixture.dataDir, 'exports'), logger: createLogger('silent'), stallMs: 20_000, ...(destinationFor && { destinationFor }) };
}

/** Creates the export through the API and queues one run directly (no job: this test drives executeRun itself). */
async function queued(definition: unknown): Promise<{ exportId: string; runId: string; render: Buffer }> {
  const { id, body } = await fixture.createExport(definition);
  const preview = await fixture.call('POST', `/exports/${id}/preview`, {});
  const run = await queueRun(fixture.storage, { exportId: id, workspaceId: fixture.workspace.id, trigger: 'manual', definitionVersion: body.version });
  return { exportId: id, runId: run!.id, render: Buffer.from(preview.body.text as string, 'utf8') };
}

/** Names a partner would pick up: hidden temporary names (`.name.xxxx.part`) left out. */
async function visibleFiles(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((name) => !name.startsWith('.')).sort();
}

/** Passes the first `bytes` through, then fails as a broken upstream stage would. */
function failingAfter(source: Readable, bytes: number): Readable {
  let passed = 0;
  const cut = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      passed += chunk.length;
      if (passed > bytes) callback(new Error('render stage died'));
      else callback(null, chunk);
    },
  });
  source.once('error', (error) => cut.destroy(error));
  return source.pipe(cut);
}

describe('an upload that dies halfway', () => {
  it('SFTP connection reset mid-transfer: no file under the final name, the run is queued again, the retry delivers it whole', async () => {
    const sftp = { kind: 'sftp', host: '127.0.0.1', port: proxy.port, username: sshd.username, privateKey: sshd.clientPrivateKey, hostKeySha256: sshd.hostKeySha256, directory: 'upload' };
    const { runId, render } = await queued(bigExport('Cut', sftp));
    expect(render.length).toBeGreaterThan(1_200_000);

    proxy.cutOnceAfter(600_000);
    expect(await executeRun(deps(), runId)).toBe('retry');
    expect(proxy.cuts()).toBe(1);
    const afterCut = await getRun(fixture.storage, runId);
    expect(afterCut).toMatchObject({ status: 'queued', attempts: 1, fileName: null });
    // The destination notices the dropped connection itself (ssh2 does not fail pending writes),
    // fails retryably and removes its temporary file over a fresh connection.
    expect(afterCut!.error).toMatch(/^destination_failed: The SFTP transfer/);
    expect(await visibleFiles(sshd.dir)).toEqual([]);
    expect(await readdir(sshd.dir)).toEqual([]);

    expect(await executeRun(deps(), runId)).toBe('succeeded');
    expect(await readdir(sshd.dir)).toEqual(['Cut-1.csv']);
    const delivered = await readFile(path.join(sshd.dir, 'Cut-1.csv'));
    expect(delivered.equals(render)).toBe(true);
    expect(await getRun(fixture.storage, runId)).toMatchObject({ status: 'succeeded', attempts: 2, bytes: render.length, sha256: sha256Hex(render), error: null });
  });

  it('FTP: a source that fails once halfway leaves no file; the retry delivers exactly one whole file', async () => {
    const plain = { kind: 'ftp', host: '127.0.0.1', port: ftp.port, user: ftp.user, password: ftp.password, directory: 'upload' };
    const { runId, render } = await queued(bigExport('Broken', plain));
    let failures = 1;
    let uploads = 0;
    const flaky: RunnerDeps['destinationFor'] = (config) => {
      const real: Destination = createDestination(config, { localRoot: path.join(fixture.dataDir, 'exports') });
      return {
        test: (signal) => real.test(signal),
        upload: (source, meta) => {
          uploads += 1;
          return real.upload(failures-- > 0 ? failingAfter(source, 600_000) : source, meta);
        },
      };
    };

    expect(await executeRun(deps(flaky), runId)).toBe('retry');
    expect(await getRun(fixture.storage, runId)).toMatchObject({ status: 'queued', attempts: 1, error: 'destination_failed: The data to upload failed before it was complete' });
    expect(await readdir(ftp.dir)).toEqual([]);

    expect(await executeRun(deps(flaky), runId)).toBe('succeeded');
    expect(uploads).toBe(2);
    expect(await readdir(ftp.dir)).toEqual(['Broken-1.csv']);
    expect((await readFile(path.join(ftp.dir, 'Broken-1.csv'))).equals(render)).toBe(true);
  });

  it('a destination that never answers (and ignores the abort) cannot hang the run: it is queued again', async () => {
    const { runId } = await queued(bigExport('Silent', { kind: 'local', directory: 'silent' }));
    const silent: RunnerDeps['destinationFor'] = () => ({ test: async () => undefined, upload: () => new Promise(() => undefined) });
    expect(await executeRun({ ...deps(silent), stallMs: 300 }, runId)).toBe('retry');
    expect(await getRun(fixture.storage, runId)).toMatchObject({ status: 'queued', attempts: 1, error: 'destination_failed: The transfer stalled: nothing moved for 300 ms' });
  });

  it('gives up after the last attempt: the run ends failed with its reason', async () => {
    const plain = { kind: 'ftp', host: '127.0.0.1', port: ftp.port, user: ftp.user, password: ftp.password, directory: 'upload' };
    const { runId } = await queued(bigExport('Hopeless', plain));
    const broken: RunnerDeps['destinationFor'] = (config) => {
      const real = createDestination(config, { localRoot: path.join(fixture.dataDir, 'exports') });
      return { test: (signal) => real.test(signal), upload: (source, meta) => real.upload(failingAfter(source, 600_000), meta) };
    };
    const outcomes = [];
    for (let attempt = 0; attempt < 3; attempt += 1) outcomes.push(await executeRun({ ...deps(broken), maxAttempts: 3 }, runId));
    expect(outcomes).toEqual(['retry', 'retry', 'failed']);
    expect(await executeRun(deps(broken), runId)).toBe('skipped');
    expect(await getRun(fixture.storage, runId)).toMatchObject({ status: 'failed', attempts: 3, fileName: null, error: 'destination_failed: The data to upload failed before it was complete' });
    expect(await readdir(ftp.dir)).toEqual(['Broken-1.csv']);
  });
});
