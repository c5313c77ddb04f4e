import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ValidationError } from '../../../core/errors.js';
import { compileSchema } from '../../../core/schema-validator.js';
import { ftpConfigSchema, type FtpConfig } from '../../../exporter/destinations/ftp-config.js';
import { createFtpDestination } from '../../../exporter/destinations/ftp-destination.js';
import { startVsftpd, type VsftpdPeer } from '../../support/peers/vsftpd-peer.js';
import { clearUploads, failure, fileServerCases, listing, meta } from './file-server-contract.js';
import { failingHalfway, randomFile, sha256, streamOf } from './upload-sources.js';

let ftp: VsftpdPeer;
let ftps: VsftpdPeer;

beforeAll(async () => {
  [ftp, ftps] = await Promise.all([startVsftpd({ tls: false }), startVsftpd({ tls: true })]);
});

afterAll(async () => {
  await Promise.all([ftp?.stop(), ftps?.stop()]);
});

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

describe('FTP destination', () => {
  fileServerCases({
    destination: ({ password, ...change } = {}, options) => createFtpDestination(plainConfig({ ...change, ...(password && { password }) }), options),
    dir: () => ftp.dir,
    messages: {
      badPassword: 'The FTP server refused the login (530)',
      unreachable: 'Could not reach the FTP server (ECONNREFUSED)',
      silent: 'The FTP server did not answer in time',
      missingDirectory: 'The FTP directory does not exist or is not accessible (550)',
    },
  });

  it('delivers a file byte for byte over plain FTP, with a right receipt and no credentials in the location', async () => {
    await clearUploads(ftp.dir);
    const data = randomFile();
    const receipt = await createFtpDestination(plainConfig()).upload(streamOf(data), meta('leads.csv'));
    expect(receipt).toEqual({
      location: `ftp://127.0.0.1:${ftp.port}${ftp.dir}/leads.csv`,
      bytes: data.length,
      sha256: sha256(data),
    });
    expect((await readFile(path.join(ftp.dir, 'leads.csv'))).equals(data)).toBe(true);
    expect(await listing(ftp.dir)).toEqual(['leads.csv']);
  });

  it('replaces an older file of the same name, with an absolute directory', async () => {
    await clearUploads(ftp.dir);
    const destination = createFtpDestination(plainConfig({ directory: ftp.dir }));
    await destination.upload(streamOf(Buffer.from('older export')), meta('daily.csv'));
    const data = randomFile(1024 * 1024);
    await destination.upload(streamOf(data), meta('daily.csv'));
    expect((await readFile(path.join(ftp.dir, 'daily.csv'))).equals(data)).toBe(true);
    expect(await listing(ftp.dir)).toEqual(['daily.csv']);
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
    await clearUploads(ftps.dir);
    const { caCert: _caCert, ...withoutCa } = tlsConfig();
    const error = await failure(createFtpDestination(withoutCa).upload(streamOf(Buffer.from('x')), meta('untrusted.csv')));
    expect(error.message).toBe('The FTPS server certificate is not trusted');
    expect(error.retryable).toBe(false);
    expect(await failure(createFtpDestination(withoutCa).test())).toMatchObject({ retryable: false });
    expect(await listing(ftps.dir)).toEqual([]);
  });

  it('delivers a file byte for byte when the CA is configured', async () => {
    await clearUploads(ftps.dir);
    const data = randomFile();
    const receipt = await createFtpDestination(tlsConfig()).upload(streamOf(data), meta('leads.csv'));
    expect(receipt).toEqual({
      location: `ftps://127.0.0.1:${ftps.port}${ftps.dir}/leads.csv`,
      bytes: data.length,
      sha256: sha256(data),
    });
    expect((await readFile(path.join(ftps.dir, 'leads.csv'))).equals(data)).toBe(true);
    expect(await listing(ftps.dir)).toEqual(['leads.csv']);
  });

  it('leaves no final and no temporary file when the source fails halfway, and a retry delivers', async () => {
    await clearUploads(ftps.dir);
    const data = randomFile();
    const destination = createFtpDestination(tlsConfig());
    await failure(destination.upload(failingHalfway(data), meta('broken.csv')));
    expect(await listing(ftps.dir)).toEqual([]);
    await destination.upload(streamOf(data), meta('broken.csv'));
    expect((await readFile(path.join(ftps.dir, 'broken.csv'))).equals(data)).toBe(true);
    expect(await listing(ftps.dir)).toEqual(['broken.csv']);
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
