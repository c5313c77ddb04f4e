import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostKeyFingerprint } from '../../../exporter/destinations/host-key-fingerprint.js';
import { sha256Hex, startDeliveryFixture, type DeliveryFixture, type RunView } from '../../support/delivery-fixture.js';
import { startGcsFake, type GcsFake } from '../../support/peers/gcs-fake.js';
import { startS3rver, type S3rverPeer } from '../../support/peers/s3rver-peer.js';
import { startSshd, type SshdPeer } from '../../support/peers/sshd-peer.js';
import { startVsftpd, type VsftpdPeer } from '../../support/peers/vsftpd-peer.js';

let fixture: DeliveryFixture;
let sshd: SshdPeer;
let ftp: VsftpdPeer;
let ftps: VsftpdPeer;
let s3: S3rverPeer;
let gcs: GcsFake;

beforeAll(async () => {
  [fixture, sshd, ftp, ftps, s3, gcs] = await Promise.all([
    startDeliveryFixture({ start: new Date('2026-05-04T09:00:00Z') }),
    startSshd({ passwordAuthentication: false }),
    startVsftpd({ tls: false }),
    startVsftpd({ tls: true }),
    startS3rver(),
    startGcsFake(),
  ]);
  await fixture.play('ann@example.org', 'Ann');
  fixture.storage.clock.advance(60_000);
  await fixture.play('bob@example.org', 'Bob; "the builder"');
  fixture.storage.clock.advance(60_000);
  await fixture.play('cy@example.org', 'Cy');
});

afterAll(async () => {
  await Promise.all([fixture?.close(), sshd?.stop(), ftp?.stop(), ftps?.stop(), s3?.stop(), gcs?.close()]);
});

const exportOf = (name: string, destination: Record<string, unknown>) => ({
  name,
  source: { flow: 'spring' },
  fields: [
    { field: 'form.email', column: 'EMAIL' },
    { field: 'form.nickname', column: 'NICK' },
    { field: 'custom', value: 'ACME', column: 'BRAND' },
  ],
  format: { type: 'csv', delimiter: ';' },
  fileNamePattern: 'feed-{date:YYYYMMDD}-{run}',
  destination,
});

/** One destination under test: its config, its credentials, how to read what it received, and its location. */
interface Case {
  readonly kind: string;
  readonly config: () => Record<string, unknown>;
  readonly secrets: () => Record<string, string>;
  readonly read: (fileName: string) => Promise<Buffer | undefined>;
  readonly names: () => Promise<string[]>;
  readonly location: (fileName: string) => string;
}

const localDir = () => path.join(fixture.dataDir, 'exports', 'partner');

const CASES: readonly Case[] = [
  {
    kind: 'local',
    config: () => ({ kind: 'local', directory: 'partner' }),
    secrets: () => ({}),
    read: (name) => readFile(path.join(localDir(), name)),
    names: () => readdir(localDir()),
    location: (name) => path.join(localDir(), name),
  },
  {
    kind: 'sftp',
    config: () => ({ kind: 'sftp', host: '127.0.0.1', port: sshd.port, username: sshd.username, privateKey: sshd.clientPrivateKey, hostKeySha256: sshd.hostKeySha256, directory: 'upload' }),
    secrets: () => ({ privateKey: sshd.clientPrivateKey }),
    read: (name) => readFile(path.join(sshd.dir, name)),
    names: () => readdir(sshd.dir),
    location: (name) => `sftp://127.0.0.1:${sshd.port}${sshd.dir}/${name}`,
  },
  {
    kind: 'ftp',
    config: () => ({ kind: 'ftp', host: '127.0.0.1', port: ftp.port, user: ftp.user, password: ftp.password, directory: 'upload' }),
    secrets: () => ({ password: ftp.password }),
    read: (name) => readFile(path.join(ftp.dir, name)),
    names: () => readdir(ftp.dir),
    location: (name) => `ftp://127.0.0.1:${ftp.port}${ftp.dir}/${name}`,
  },
  {
    kind: 'ftps',
    config: () => ({ kind: 'ftps', host: '127.0.0.1', port: ftps.port, user: ftps.user, password: ftps.password, directory: 'upload', caCert: ftps.caCert }),
    secrets: () => ({ password: ftps.password }),
    read: (name) => readFile(path.join(ftps.dir, name)),
    names: () => readdir(ftps.dir),
    location: (name) => `ftps://127.0.0.1:${ftps.port}${ftps.dir}/${name}`,
  },
  {
    kind: 's3',
    config: () => ({ kind: 's3', bucket: s3.bucket, region: s3.region, endpoint: s3.endpoint, forcePathStyle: true, prefix: 'partner/', accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey }),
    // s3rver's secret equals its (visible) access key id, so only the property itself is checked.
    secrets: () => ({}),
    read: (name) => s3.readObject(`partner/${name}`),
    names: async () => (await s3.listKeys()).map((key) => key.replace(/^partner\//, '')),
    location: (name) => `s3://${s3.bucket}/partner/${name}`,
  },
  {
    kind: 'gcs',
    config: () => ({ kind: 'gcs', bucket: gcs.bucket, apiEndpoint: gcs.apiEndpoint, prefix: 'partner/', serviceAccountJson: gcs.serviceAccountJson }),
    secrets: () => ({ serviceAccountJson: gcs.serviceAccountJson, privateKey: JSON.parse(gcs.serviceAccountJson).private_key as string }),
    read: (name) => gcs.readObject(`partner/${name}`),
    names: async () => gcs.objectNames().map((key) => key.replace(/^partner\//, '')),
    location: (name) => `gs://${gcs.bucket}/partner/${name}`,
  },
];

/** What every destination received, by kind, to compare them with each other. */
const delivered = new Map<string, Buffer>();

function expectNoSecret(text: string, secrets: Record<string, string>): void {
  for (const secret of Object.values(secrets)) {
    expect(text.includes(secret)).toBe(false);
    // A PEM or JSON credential must not leak even in part.
    for (const line of secret.split('\n').filter((l) => l.length > 20 && !l.startsWith('-----'))) expect(text.includes(line)).toBe(false);
  }
}

describe('export delivery to every destination, through the API', () => {
  it.each(CASES.map((c) => [c.kind, c] as const))('%s: delivers the render byte for byte and records it in the run history', async (kind, c) => {
    const created = await fixture.createExport(exportOf(`Feed ${kind}`, c.config()));
    const secretKeys = Object.keys(c.config()).filter((k) => ['password', 'privateKey', 'secretAccessKey', 'serviceAccountJson'].includes(k));
    const shown = await fixture.call('GET', `/exports/${created.id}`);
    expect(shown.status).toBe(200);
    for (const body of [created.body, shown.body]) {
      expectNoSecret(JSON.stringify(body), c.secrets());
      for (const k of secretKeys) {
        expect(body.definition.destination[`${k}Set`]).toBe(true);
        expect(body.definition.destination).not.toHaveProperty(k);
      }
    }
    expectNoSecret(JSON.stringify((await fixture.call('GET', '/exports')).body), c.secrets());

    const preview = await fixture.call('POST', `/exports/${created.id}/preview`, {});
    expect(preview.status).toBe(200);
    const render = Buffer.from(preview.body.text as string, 'utf8');
    expect(preview.body.rows).toHaveLength(3);

    const run = await fixture.waitForRun(created.id, await fixture.startRun(created.id));
    expect(run.error).toBeNull();
    expect(run.status).toBe('succeeded');
    const fileName = run.fileName!;
    expect(fileName).toMatch(/^feed-20260504-1\.csv$/);
    const bytes = await c.read(fileName);
    expect(bytes).toBeDefined();
    expect(bytes!.equals(render)).toBe(true);
    expect(await c.names()).toEqual([fileName]);
    expect(run).toMatchObject({ rows: 3, bytes: render.length, sha256: sha256Hex(bytes!), attempts: 1, trigger: 'manual', destination: c.location(fileName) });
    expect(run.durationMs).not.toBeNull();
    expect(run.durationMs!).toBeGreaterThanOrEqual(0);
    expectNoSecret(JSON.stringify(await fixture.runs(created.id)), c.secrets());
    delivered.set(kind, bytes!);
  });

  it('every destination received the same bytes as the local delivery', () => {
    expect([...delivered.keys()].sort()).toEqual(CASES.map((c) => c.kind).sort());
    for (const bytes of delivered.values()) expect(bytes.equals(delivered.get('local')!)).toBe(true);
  });
});

describe('destinations that must not be trusted', () => {
  const sftpConfig = () => CASES.find((c) => c.kind === 'sftp')!.config();
  const ftpsConfig = () => CASES.find((c) => c.kind === 'ftps')!.config();

  async function failedRun(exportId: string): Promise<RunView> {
    const run = await fixture.waitForRun(exportId, await fixture.startRun(exportId));
    expect(run.status).toBe('failed');
    expect(run.attempts).toBe(1);
    expect(run.fileName).toBeNull();
    return run;
  }

  it('a wrong SFTP host key fingerprint fails the run at once with a clear reason, and the destination test says so', async () => {
    const before = await readdir(sshd.dir);
    const { id } = await fixture.createExport(exportOf('Pinned wrong', { ...sftpConfig(), hostKeySha256: hostKeyFingerprint(Buffer.from('not the server key')) }));
    const run = await failedRun(id);
    expect(run.error).toBe('destination_failed: The SFTP server host key does not match the pinned fingerprint');
    expect(await readdir(sshd.dir)).toEqual(before);
    const check = await fixture.call('POST', `/exports/${id}/destination-test`);
    expect(check).toEqual({ status: 200, body: { ok: false, error: 'The SFTP server host key does not match the pinned fingerprint', retryable: false } });

    const { id: good } = await fixture.createExport(exportOf('Pinned right', sftpConfig()));
    expect(await fixture.call('POST', `/exports/${good}/destination-test`)).toEqual({ status: 200, body: { ok: true } });
  });

  it('an FTPS server whose certificate is not trusted (no caCert) fails the run; with the CA it delivers', async () => {
    const { caCert: _ca, ...untrusted } = ftpsConfig();
    const { id } = await fixture.createExport(exportOf('Untrusted FTPS', untrusted));
    const run = await failedRun(id);
    expect(run.error).toMatch(/^destination_failed: .*certificate/i);
    const check = await fixture.call('POST', `/exports/${id}/destination-test`);
    expect(check.status).toBe(200);
    expect(check.body).toMatchObject({ ok: false, retryable: false });
    expect(check.body.error).toMatch(/certificate/i);

    const { id: trusted } = await fixture.createExport(exportOf('Trusted FTPS', ftpsConfig()));
    expect(await fixture.call('POST', `/exports/${trusted}/destination-test`)).toEqual({ status: 200, body: { ok: true } });
    const delivered = await fixture.waitForRun(trusted, await fixture.startRun(trusted));
    expect(delivered.status).toBe('succeeded');
    expect((await readFile(path.join(ftps.dir, delivered.fileName!))).length).toBe(delivered.bytes);
  });
});
