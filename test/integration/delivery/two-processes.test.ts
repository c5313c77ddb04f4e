import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex, startDeliveryFixture, type DeliveryFixture } from '../../support/delivery-fixture.js';
import { startSshd, type SshdPeer } from '../../support/peers/sshd-peer.js';
import { api } from '../../support/test-server.js';
import { startTickServerProcess, type TickServerProcess } from '../../support/tick-server-process.js';
import { listRuns } from '../../../storage/export-run-repository.js';

const START = new Date('2026-12-01T08:00:00Z');

let fixture: DeliveryFixture;
let second: TickServerProcess;
let sshd: SshdPeer;

beforeAll(async () => {
  [fixture, sshd] = await Promise.all([startDeliveryFixture({ start: START }), startSshd({ passwordAuthentication: false })]);
  second = await startTickServerProcess({ databaseUrl: fixture.storage.url, masterKey: fixture.storage.masterKey, dataDir: fixture.dataDir, startAt: START });
  await fixture.play('ann@example.org', 'Ann');
  await fixture.play('bob@example.org', 'Bob');
});

afterAll(async () => {
  await second?.stop();
  await Promise.all([fixture?.close(), sshd?.stop()]);
});

describe('two server processes on one database', () => {
  it('a scheduled export ticked by both processes produces exactly one run and one file', async () => {
    expect(second.pid).not.toBe(process.pid);
    // Defined through the second process's API: both serve the same workspace from the same database.
    const created = await api(second.url, fixture.key, 'POST', '/api/v1/exports', {
      name: 'Shared',
      source: { flow: 'spring' },
      fields: [{ field: 'form.email' }, { field: 'form.nickname' }],
      format: { type: 'csv' },
      fileNamePattern: '{export}-{run}',
      destination: { kind: 'sftp', host: '127.0.0.1', port: sshd.port, username: sshd.username, privateKey: sshd.clientPrivateKey, hostKeySha256: sshd.hostKeySha256, directory: 'upload' },
      trigger: { type: 'scheduled', at: '2026-12-01T12:00' },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.id as string;

    // Both processes tick every 10 minutes from 10:00 to 12:30 Paris, at the same instants, concurrently.
    const queued: string[] = [];
    for (let at = Date.parse('2026-12-01T09:00:00Z'); at <= Date.parse('2026-12-01T11:30:00Z'); at += 10 * 60_000) {
      fixture.storage.clock.set(at);
      const [here, there] = await Promise.all([fixture.server.exports.tick(new Date(at)).then((runs) => runs.map((r) => r.id)), second.tick(new Date(at))]);
      queued.push(...here, ...there);
    }
    expect(queued).toHaveLength(1);

    const run = await fixture.waitForRun(id, queued[0]!);
    expect(run).toMatchObject({ status: 'succeeded', attempts: 1, rows: 2, fileName: 'Shared-1.csv', trigger: 'scheduled' });
    const stored = await listRuns(fixture.storage, fixture.workspace.id, id, 10);
    expect(stored.map((r) => r.occurrenceKey)).toEqual(['scheduled:2026-12-01T12:00']);
    expect(await readdir(sshd.dir)).toEqual(['Shared-1.csv']);
    expect(sha256Hex(await readFile(path.join(sshd.dir, 'Shared-1.csv')))).toBe(run.sha256);
    // The second process sees the same history.
    const history = await api(second.url, fixture.key, 'GET', `/api/v1/exports/${id}/runs`);
    expect(history.body.runs.map((r: { id: string; status: string }) => [r.id, r.status])).toEqual([[run.id, 'succeeded']]);
  });
});
