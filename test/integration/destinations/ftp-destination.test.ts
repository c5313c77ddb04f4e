import { readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DestinationError, ValidationError } from '../../../core/errors.js';
import { compileSchema } from '../../../core/schema-validator.js';
import { ftpConfigSchema, type FtpConfig } from '../../../exporter/destinations/ftp-config.js';
import { createFtpDestination } from '../../../exporter/destinations/ftp-destination.js';
import { freePort, startSilentServer } from '../../support/peers/peer-process.js';
import { startVsftpd, type VsftpdPeer } from '../../support/peers/vsftpd-peer.js';
import { abortingHalfway, failingHalfway, randomFile, sha256, streamOf } from './upload-sources.js';

let ftp: VsftpdPeer;
let ftps: VsftpdPeer;

beforeAll(async () => {
  [ftp, ftps] = await Promise.all([startVsftpd({ tls: false }), startVsftpd({ tls: true })]);
});

afterAll(async () => {
  await Promise.all([ftp?.stop(), ftps?.stop()]);
});

const meta = (fileName: string) => ({ fileName, contentType: 'text/csv' });

function plainConfig(overrides: Partial<FtpConfig> = {}): FtpConfig {
  return { kind: 'ftp', host: '127.0.0.1', port: ftp.port, user: ftp.user, password: ftp.password, directory: 'upload', ...overrides };
}

function tlsConfig(overrides: Partial<FtpConfig> = {}): FtpConfig {
  return {
    kind: 'ftps',
    host: '127.0.0.1',
    port: ftps.port,
    user: ftps.user,
    password: ftps.password,
    directory: 'upload',
    caCert: ftps.caCert!,
    ...overrides,
  };
}

async function failure(promise: Promise<unknown>): Promise<DestinationError> {
  const error = await promise.then(
    () => new Error('expected a failure'),
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(DestinationError);
  return error as DestinationError;
}

/** Every name in the peer's upload directory, hidden temporary files included. */
const listing = (peer: VsftpdPeer) => readdir(peer.dir);

async function clearUploads(peer: VsftpdPeer): Promise<void> {
  for (const name of await listing(peer)) await rm(path.join(peer.dir, name));
}

describe('FTP destination', () => {
  it('delivers a file byte for byte over plain FTP, with a right receipt and no credentials in the location', async () => {
    await clearUploads(ftp);
    const data = randomFile();
    const receipt = await createFtpDestination(plainConfig()).upload(streamOf(data), meta('leads.csv'));
    expect(receipt).toEqual({
      location: `ftp://127.0.0.1:${ftp.port}${ftp.dir}/leads.csv`,
      bytes: data.length,
      sha256: sha256(data),
    });
    expect((await readFile(path.join(ftp.dir, 'leads.csv'))).equals(data)).toBe(true);
    expect(await listing(ftp)).toEqual(['leads.csv']);
  });

  it('replaces an older file of the same name, with an absolute directory', async () => {
    await clearUploads(ftp);
    const destination = createFtpDestination(plainConfig({ directory: ftp.dir }));
    await destination.upload(streamOf(Buffer.from('older export')), meta('daily.csv'));
    const data = randomFile(1024 * 1024);
    await destination.upload(streamOf(data), meta('daily.csv'));
    expect((await readFile(path.join(ftp.dir, 'daily.csv'))).equals(data)).toBe(true);
    expect(await listing(ftp)).toEqual(['daily.csv']);
  });

  it('leaves no final and no temporary file when the source fails halfway, and a retry delivers', async () => {
    await clearUploads(ftp);
    const data = randomFile();
    const destination = createFtpDestination(plainConfig());
    const error = await failure(destination.upload(failingHalfway(data), meta('broken.csv')));
    expect(error.retryable).toBe(true);
    expect(await listing(ftp)).toEqual([]);

    const receipt = await destination.upload(streamOf(data), meta('broken.csv'));
    expect(receipt).toMatchObject({ bytes: data.length, sha256: sha256(data) });
    expect((await readFile(path.join(ftp.dir, 'broken.csv'))).equals(data)).toBe(true);
    expect(await listing(ftp)).toEqual(['broken.csv']);
  });

  it('leaves nothing behind when the upload is aborted halfway', async () => {
    await clearUploads(ftp);
    const controller = new AbortController();
    const source = abortingHalfway(randomFile(), controller);
    const error = await failure(
      createFtpDestination(plainConfig()).upload(source, { ...meta('aborted.csv'), signal: controller.signal }),
    );
    expect(error.message).toBe('The transfer was aborted');
    expect(await listing(ftp)).toEqual([]);
  });

  it('test() passes on a good config and leaves no probe behind', async () => {
    await clearUploads(ftp);
    await createFtpDestination(plainConfig()).test();
    expect(await listing(ftp)).toEqual([]);
  });

  it('test() fails with a clear, final error on a bad password, without echoing it', async () => {
    const error = await failure(createFtpDestination(plainConfig({ password: 'not-the-password' })).test());
    expect(error.message).toBe('The FTP server refused the login (530)');
    expect(error.retryable).toBe(false);
    expect(JSON.stringify(error.toBody())).not.toContain('not-the-password');
  });

  it('test() fails with a retryable error when nothing listens on the port', async () => {
    const error = await failure(createFtpDestination(plainConfig({ port: await freePort() })).test());
    expect(error.message).toBe('Could not reach the FTP server (ECONNREFUSED)');
    expect(error.retryable).toBe(true);
  });

  it('fails with a retryable error when the server never answers, and stops at once when aborted', async () => {
    const silent = await startSilentServer();
    try {
      const hanging = createFtpDestination(plainConfig({ port: silent.port }), { timeoutMs: 300 });
      const error = await failure(hanging.test());
      expect(error).toMatchObject({ message: 'The FTP server did not answer in time', retryable: true });

      const controller = new AbortController();
      silent.onConnection(() => controller.abort());
      const patient = createFtpDestination(plainConfig({ port: silent.port }), { timeoutMs: 600_000 });
      const aborted = await failure(patient.upload(streamOf(Buffer.from('x')), { ...meta('x.csv'), signal: controller.signal }));
      expect(aborted.message).toBe('The transfer was aborted');
    } finally {
      await silent.stop();
    }
  });

  it('test() fails with a final error when the directory does not exist', async () => {
    const error = await failure(createFtpDestination(plainConfig({ directory: 'missing' })).test());
    expect(error.message).toBe('The FTP directory does not exist or is not accessible (550)');
    expect(error.retryable).toBe(false);
  });

  it('has a strict schema: no control characters, a CA only for FTPS, no unknown fields', () => {
    const validate = compileSchema<FtpConfig>(ftpConfigSchema);
    expect(validate(plainConfig())).toBe(true);
    expect(validate(tlsConfig())).toBe(true);
    expect(validate(plainConfig({ caCert: ftps.caCert! }))).toBe(false);
    expect(validate(plainConfig({ user: 'someone\r\nDELE x' }))).toBe(false);
    expect(validate(plainConfig({ directory: 'up\nload' }))).toBe(false);
    expect(validate({ ...plainConfig(), secure: false })).toBe(false);
    expect(() => createFtpDestination({ ...plainConfig(), rejectUnauthorized: false } as FtpConfig)).toThrow(ValidationError);
  });
});

describe('FTPS destination (explicit TLS)', () => {
  it('refuses a server whose certificate is not trusted, as a final error, and stores nothing', async () => {
    await clearUploads(ftps);
    const { caCert: _caCert, ...withoutCa } = tlsConfig();
    const error = await failure(createFtpDestination(withoutCa).upload(streamOf(Buffer.from('x')), meta('untrusted.csv')));
    expect(error.message).toBe('The FTPS server certificate is not trusted');
    expect(error.retryable).toBe(false);
    expect(await failure(createFtpDestination(withoutCa).test())).toMatchObject({ retryable: false });
    expect(await listing(ftps)).toEqual([]);
  });

  it('delivers a file byte for byte when the CA is configured', async () => {
    await clearUploads(ftps);
    const data = randomFile();
    const receipt = await createFtpDestination(tlsConfig()).upload(streamOf(data), meta('leads.csv'));
    expect(receipt).toEqual({
      location: `ftps://127.0.0.1:${ftps.port}${ftps.dir}/leads.csv`,
      bytes: data.length,
      sha256: sha256(data),
    });
    expect((await readFile(path.join(ftps.dir, 'leads.csv'))).equals(data)).toBe(true);
    expect(await listing(ftps)).toEqual(['leads.csv']);
  });

  it('leaves no final and no temporary file when the source fails halfway, and a retry delivers', async () => {
    await clearUploads(ftps);
    const data = randomFile();
    const destination = createFtpDestination(tlsConfig());
    await failure(destination.upload(failingHalfway(data), meta('broken.csv')));
    expect(await listing(ftps)).toEqual([]);
    await destination.upload(streamOf(data), meta('broken.csv'));
    expect((await readFile(path.join(ftps.dir, 'broken.csv'))).equals(data)).toBe(true);
    expect(await listing(ftps)).toEqual(['broken.csv']);
  });

  it('test() passes with the CA and fails on a bad password', async () => {
    await createFtpDestination(tlsConfig()).test();
    const error = await failure(createFtpDestination(tlsConfig({ password: 'wrong' })).test());
    expect(error).toMatchObject({ message: 'The FTP server refused the login (530)', retryable: false });
  });

  it('refuses to log in to a TLS-only server over plain FTP', async () => {
    const { caCert: _caCert, ...plain } = tlsConfig({ kind: 'ftp' });
    const error = await failure(createFtpDestination(plain).test());
    expect(error.retryable).toBe(false);
  });
});
