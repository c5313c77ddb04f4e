import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ValidationError } from '../../../core/errors.js';
import { compileSchema } from '../../../core/schema-validator.js';
import { hostKeyFingerprint } from '../../../exporter/destinations/host-key-fingerprint.js';
import { sftpConfigSchema, type SftpConfig } from '../../../exporter/destinations/sftp-config.js';
import { createSftpDestination } from '../../../exporter/destinations/sftp-destination.js';
import { run } from '../../support/peers/peer-process.js';
import { startSshd, type SshdPeer } from '../../support/peers/sshd-peer.js';
import { clearUploads, failure, fileServerCases, listing, meta } from './file-server-contract.js';
import { randomFile, sha256, streamOf } from './upload-sources.js';

let peer: SshdPeer;

beforeAll(async () => {
  peer = await startSshd();
});

afterAll(async () => {
  await peer?.stop();
});

function keyConfig(overrides: Partial<SftpConfig> = {}): SftpConfig {
  return {
    kind: 'sftp',
    host: '127.0.0.1',
    port: peer.port,
    username: peer.username,
    privateKey: peer.clientPrivateKey,
    hostKeySha256: peer.hostKeySha256,
    directory: 'upload',
    ...overrides,
  };
}

function passwordConfig(overrides: Partial<SftpConfig> = {}): SftpConfig {
  const { privateKey: _privateKey, ...rest } = keyConfig(overrides);
  return { ...rest, password: peer.password, ...overrides };
}

/** A well-formed pin that is not the server's: what a man in the middle would present against. */
const WRONG_FINGERPRINT = hostKeyFingerprint(Buffer.from('not the server key'));

describe('SFTP destination', () => {
  fileServerCases({
    destination: ({ password, ...change } = {}, options) => createSftpDestination(password ? passwordConfig({ ...change, password }) : keyConfig(change), options),
    dir: () => peer.dir,
    messages: {
      badPassword: 'The SFTP server refused the credentials',
      unreachable: 'Could not reach the SFTP server (ECONNREFUSED)',
      silent: 'Timed out connecting to the SFTP server',
      missingDirectory: 'The SFTP directory does not exist',
    },
  });

  it('delivers a file byte for byte with a private key, with a right receipt and no credentials in the location', async () => {
    await clearUploads(peer.dir);
    const data = randomFile();
    const receipt = await createSftpDestination(keyConfig()).upload(streamOf(data), meta('leads.csv'));
    expect(receipt).toEqual({
      location: `sftp://127.0.0.1:${peer.port}${peer.dir}/leads.csv`,
      bytes: data.length,
      sha256: sha256(data),
    });
    expect((await readFile(path.join(peer.dir, 'leads.csv'))).equals(data)).toBe(true);
    expect(await listing(peer.dir)).toEqual(['leads.csv']);
  });

  it('delivers with a password and an absolute directory, replacing an older file of the same name', async () => {
    await clearUploads(peer.dir);
    const destination = createSftpDestination(passwordConfig({ directory: peer.dir }));
    await destination.upload(streamOf(Buffer.from('older export')), meta('daily.csv'));
    const data = randomFile(1024 * 1024);
    const receipt = await destination.upload(streamOf(data), meta('daily.csv'));
    expect(receipt.sha256).toBe(sha256(data));
    expect((await readFile(path.join(peer.dir, 'daily.csv'))).equals(data)).toBe(true);
    expect(await listing(peer.dir)).toEqual(['daily.csv']);
  });

  it('refuses a server whose host key does not match the pin before authenticating, even with a key it accepts', async () => {
    // Control: a good connection does reach authentication, so the log marker below can be seen.
    let from = peer.log().length;
    await createSftpDestination(keyConfig()).test();
    expect(await peer.waitForLog(/Disconnected from|Connection closed by/, from)).toMatch(/userauth-request/);

    for (const config of [keyConfig({ hostKeySha256: WRONG_FINGERPRINT }), passwordConfig({ hostKeySha256: WRONG_FINGERPRINT })]) {
      from = peer.log().length;
      const error = await failure(createSftpDestination(config).upload(streamOf(Buffer.from('x')), meta('mitm.csv')));
      expect(error.message).toBe('The SFTP server host key does not match the pinned fingerprint');
      expect(error.retryable).toBe(false);
      const log = await peer.waitForLog(/Disconnected from|Connection closed by/, from);
      expect(log).toMatch(/KEX|kex/);
      expect(log).not.toMatch(/userauth-request|Accepted|Failed|Postponed/);
    }
    expect(await listing(peer.dir)).not.toContain('mitm.csv');
  });

  it('accepts an encrypted private key with its passphrase and refuses a wrong passphrase', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'parley-key-'));
    try {
      const keyFile = path.join(dir, 'id');
      await writeFile(keyFile, peer.clientPrivateKey, { mode: 0o600 });
      await run('ssh-keygen', ['-q', '-p', '-P', '', '-N', 'correct horse', '-f', keyFile]);
      const privateKey = await readFile(keyFile, 'utf8');
      await createSftpDestination(keyConfig({ privateKey, passphrase: 'correct horse' })).test();
      const error = await failure(createSftpDestination(keyConfig({ privateKey, passphrase: 'wrong' })).test());
      expect(error.message).toBe('The SFTP private key cannot be read (wrong format or passphrase)');
      expect(error.retryable).toBe(false);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('has a strict schema: exactly one of password and private key, a well-formed pin, no unknown fields', () => {
    const validate = compileSchema<SftpConfig>(sftpConfigSchema);
    const withKey = keyConfig();
    expect(validate(withKey)).toBe(true);
    expect(validate(passwordConfig())).toBe(true);
    expect(validate({ ...withKey, password: 'both' })).toBe(false);
    const { privateKey: _privateKey, ...neither } = withKey;
    expect(validate(neither)).toBe(false);
    expect(validate({ ...passwordConfig(), passphrase: 'without a key' })).toBe(false);
    expect(validate({ ...withKey, hostKeySha256: 'MD5:aa:bb' })).toBe(false);
    expect(validate({ ...withKey, hostKeySha256: `${peer.hostKeySha256}=` })).toBe(false);
    expect(validate({ ...withKey, extra: true })).toBe(false);
    expect(() => createSftpDestination(neither as SftpConfig)).toThrow(ValidationError);
  });

});
