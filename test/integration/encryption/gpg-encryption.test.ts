import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ValidationError } from '../../../core/errors.js';
import { encryptWithGpg } from '../../../exporter/encryption/gpg-encryption.js';
import { validateGpgPublicKey, type GpgKeyProblem } from '../../../exporter/encryption/gpg-public-key.js';
import { createGpgHome, type GpgHome } from '../../support/peers/gpg-cli.js';

const DAY = 24 * 60 * 60 * 1000;

let gpg: GpgHome;
const keys = {} as Record<'ed' | 'rsa' | 'signOnly' | 'expiring' | 'revoked' | 'secret' | 'twoInOneBlock' | 'twoBlocks', string>;
const fingerprints = {} as Record<'ed' | 'rsa' | 'expiring', string>;

beforeAll(async () => {
  gpg = await createGpgHome();
  fingerprints.ed = await gpg.generateKey('Ed <ed@example.org>', 'ed25519', 'sign', 'never');
  await gpg.addSubkey(fingerprints.ed, 'cv25519', 'encr', 'never');
  fingerprints.rsa = await gpg.generateKey('Rsa <rsa@example.org>', 'rsa3072', 'sign', 'never');
  await gpg.addSubkey(fingerprints.rsa, 'rsa3072', 'encr', 'never');
  const signOnly = await gpg.generateKey('Sign <s@example.org>', 'rsa2048', 'sign', 'never');
  fingerprints.expiring = await gpg.generateKey('Soon <soon@example.org>', 'ed25519', 'sign', '1d');
  await gpg.addSubkey(fingerprints.expiring, 'cv25519', 'encr', '1d');
  const revoked = await gpg.generateKey('Gone <gone@example.org>', 'ed25519', 'sign', 'never');
  await gpg.addSubkey(revoked, 'cv25519', 'encr', 'never');
  await gpg.revoke(revoked);

  keys.ed = await gpg.exportPublicKeys(fingerprints.ed);
  keys.rsa = await gpg.exportPublicKeys(fingerprints.rsa);
  keys.signOnly = await gpg.exportPublicKeys(signOnly);
  keys.expiring = await gpg.exportPublicKeys(fingerprints.expiring);
  keys.revoked = await gpg.exportPublicKeys(revoked);
  keys.secret = await gpg.exportSecretKey(fingerprints.ed);
  keys.twoInOneBlock = await gpg.exportPublicKeys(fingerprints.ed, fingerprints.rsa);
  keys.twoBlocks = `${keys.ed}\n${keys.rsa}`;
});

afterAll(async () => {
  await gpg?.remove();
});

/** Yields `count` chunks of `size` bytes, made only when asked for; `produced` counts them. */
function lazySource(count: number, size: number, fill: (index: number) => Buffer = () => randomBytes(size)) {
  const state = { produced: 0 };
  const stream = Readable.from(
    (async function* () {
      for (let index = 0; index < count; index += 1) {
        state.produced += 1;
        yield fill(index);
      }
    })(),
  );
  return { stream, state };
}

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The armored block with the second half of its body lines cut out (header and footer kept). */
function truncated(armored: string): string {
  const lines = armored.trim().split('\n');
  const body = lines.slice(1, -1);
  return [lines[0], ...body.slice(0, Math.floor(body.length / 2)), lines.at(-1)].join('\n');
}

/** The base64 body lines of an armored block: none of them may appear in an error. */
function keyLines(armored: string): string[] {
  return armored.split('\n').filter((line) => /^[A-Za-z0-9+/=]{20,}$/.test(line));
}

describe('validateGpgPublicKey', () => {
  it('accepts an ed25519/cv25519 key and describes it as gpg does', async () => {
    expect(await validateGpgPublicKey(keys.ed)).toEqual({
      fingerprint: fingerprints.ed,
      userIds: ['Ed <ed@example.org>'],
      algorithm: 'ed25519/cv25519',
      expiresAt: null,
    });
  });

  it('accepts an RSA 3072 key with an RSA encryption subkey', async () => {
    expect(await validateGpgPublicKey(keys.rsa)).toMatchObject({ fingerprint: fingerprints.rsa, algorithm: 'rsa3072/rsa3072', expiresAt: null });
  });

  it('accepts a key that expires later and reports when', async () => {
    const info = await validateGpgPublicKey(keys.expiring);
    expect(info.expiresAt).toEqual(await gpg.expiresAt(fingerprints.expiring));
  });

  it('refuses that key once its expiry has passed (checked with an injected time, no waiting)', async () => {
    const later = new Date(Date.now() + 2 * DAY);
    await expect(validateGpgPublicKey(keys.expiring, '/encryption/publicKey', { now: later })).rejects.toMatchObject({
      code: 'validation_failed',
      path: '/encryption/publicKey',
      details: { reason: 'expired' },
      message: expect.stringMatching(/^The GPG key has expired \(on \d{4}-\d\d-\d\d\)$/),
    });
  });

  const refusals: [string, () => string, GpgKeyProblem][] = [
    ['garbage text', () => 'this is not a key', 'not_armored'],
    ['an empty string', () => '', 'not_armored'],
    ['a truncated armored block', () => truncated(keys.ed), 'unreadable'],
    ['a private key', () => keys.secret, 'private_key'],
    ['a revoked key', () => keys.revoked, 'revoked'],
    ['a signing-only RSA key', () => keys.signOnly, 'no_encryption_key'],
    ['two keys in one armored block', () => keys.twoInOneBlock, 'several_keys'],
    ['two armored blocks', () => keys.twoBlocks, 'several_keys'],
  ];

  for (const [what, key, reason] of refusals) {
    it(`refuses ${what} (${reason}) at the given path, without echoing the key`, async () => {
      const error = await validateGpgPublicKey(key(), '/exports/0/encryption/publicKey').catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ValidationError);
      expect(error).toMatchObject({ path: '/exports/0/encryption/publicKey', details: { reason } });
      const shown = JSON.stringify((error as ValidationError).toBody());
      for (const line of keyLines(key())) expect(shown).not.toContain(line);
    });
  }

  it('refuses a key that is not ASCII-armored (binary export)', async () => {
    const binary = (await gpg.run(['--export', fingerprints.ed])).toString('latin1');
    await expect(validateGpgPublicKey(binary)).rejects.toMatchObject({ details: { reason: 'not_armored' } });
  });
});

describe('encryptWithGpg', () => {
  for (const kind of ['ed', 'rsa'] as const) {
    it(`produces binary OpenPGP that gpg --decrypt turns back into the plaintext (${kind} key)`, async () => {
      const plaintext = Buffer.concat([Buffer.from('id,email\n1,a@example.org\n'), randomBytes(300_000)]);
      const encrypted = await collect(await encryptWithGpg(Readable.from([plaintext.subarray(0, 1000), plaintext.subarray(1000)]), keys[kind]));
      expect(encrypted.subarray(0, 5).toString('latin1')).not.toContain('-----');
      expect(encrypted.includes(Buffer.from('a@example.org'))).toBe(false);
      expect((await gpg.decrypt(encrypted)).equals(plaintext)).toBe(true);
    });
  }

  it('streams: a 50 MB source read lazily yields encrypted bytes long before it is exhausted', async () => {
    const chunks = 800;
    const { stream, state } = lazySource(chunks, 64 * 1024);
    const encrypted = await encryptWithGpg(stream, keys.ed);
    let producedAtFirstOutput: number | undefined;
    let bytes = 0;
    for await (const chunk of encrypted) {
      producedAtFirstOutput ??= state.produced;
      bytes += (chunk as Buffer).length;
    }
    expect(state.produced).toBe(chunks);
    expect(producedAtFirstOutput).toBeLessThan(chunks / 4);
    expect(bytes).toBeGreaterThan(chunks * 64 * 1024);
  });

  it('errors the encrypted stream with the source error when the source fails, never passing plaintext on', async () => {
    const marker = Buffer.from('PLAINTEXT-MARKER;');
    const failure = new Error('cursor closed');
    const source = Readable.from(
      (async function* () {
        for (let index = 0; index < 40; index += 1) yield Buffer.concat(Array.from({ length: 4096 }, () => marker));
        throw failure;
      })(),
    );
    const encrypted = await encryptWithGpg(source, keys.ed);
    const seen: Buffer[] = [];
    const error = await (async () => {
      for await (const chunk of encrypted) seen.push(chunk as Buffer);
    })().catch((caught: unknown) => caught);
    expect(error).toBe(failure);
    expect(Buffer.concat(seen).includes(marker)).toBe(false);
  });

  it('refuses an unusable key before reading anything, and destroys the source', async () => {
    const { stream, state } = lazySource(10, 1024);
    await expect(encryptWithGpg(stream, keys.signOnly)).rejects.toMatchObject({
      code: 'validation_failed',
      path: '/encryption/publicKey',
      details: { reason: 'no_encryption_key' },
    });
    expect(stream.destroyed).toBe(true);
    expect(state.produced).toBe(0);
  });

  // Regression: with Readable.toWeb (Node 20) this threw "Controller is already closed" outside any promise.
  it('releases the source when the consumer destroys the encrypted stream, without an uncaught error', async () => {
    const { stream } = lazySource(10_000, 64 * 1024);
    const encrypted = await encryptWithGpg(stream, keys.ed);
    encrypted.once('data', () => encrypted.destroy());
    await new Promise((resolve) => stream.once('close', resolve));
    expect(stream.destroyed).toBe(true);
  });
});
