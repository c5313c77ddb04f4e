import { createCipheriv, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { seal } from '../../../storage/crypto/aes-gcm.js';
import { GcmOpener } from '../../../storage/crypto/gcm-opener.js';

/** A value in `seal`'s format, sealed by Node's own AES-256-GCM with the given IV. */
function nodeSeal(key: Buffer, iv: Buffer, plaintext: Buffer, context: Buffer): Buffer {
  const cipher = createCipheriv('aes-256-gcm', key, iv).setAAD(context);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([Buffer.of(1), iv, cipher.getAuthTag(), body]);
}

function failure(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('GcmOpener', () => {
  it('opens the AES-256-GCM test vector of the GCM specification (test case 16: context, 60 bytes)', () => {
    const key = Buffer.from('feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308', 'hex');
    const iv = Buffer.from('cafebabefacedbaddecaf888', 'hex');
    const context = Buffer.from('feedfacedeadbeeffeedfacedeadbeefabaddad2', 'hex');
    const ciphertext = Buffer.from('522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662', 'hex');
    const tag = Buffer.from('76fc6ece0f4e1768cddf8853bb2d551b', 'hex');
    const plaintext = 'd9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39';
    const opened = new GcmOpener(key, context).open(Buffer.concat([Buffer.of(1), iv, tag, ciphertext]));
    expect(opened.toString('hex')).toBe(plaintext);
  });

  it("opens what Node's AES-256-GCM sealed, for every length from 0 to 1,100 bytes and contexts of 0 to 70 bytes", () => {
    for (let length = 0; length <= 1100; length += length < 80 ? 1 : 37) {
      const key = randomBytes(32);
      const context = randomBytes(length % 71);
      const plaintext = randomBytes(length);
      const opener = new GcmOpener(key, context);
      // Twice with one opener: nothing of one value stays in the state the next one starts from.
      for (let round = 0; round < 2; round += 1) {
        expect(opener.open(nodeSeal(key, randomBytes(12), plaintext, context)).equals(plaintext)).toBe(true);
      }
    }
  });

  it("opens the product's sealed values in a row, each with its own IV, under a workspace id as context", () => {
    const key = randomBytes(32);
    const workspaceId = '6ed9faee-d799-4870-b534-7f9112bb9907';
    const opener = new GcmOpener(key, Buffer.from(workspaceId));
    for (let i = 0; i < 2000; i += 1) {
      const value = Buffer.from(JSON.stringify({ email: `person${i}@example.org`, answer: 'x'.repeat(i % 300) }));
      expect(opener.open(seal(key, value, workspaceId)).equals(value)).toBe(true);
    }
  });

  it('refuses a value with any byte changed, another key or another context: decryption_failed, nothing opened', () => {
    const key = randomBytes(32);
    const context = Buffer.from('6ed9faee-d799-4870-b534-7f9112bb9907');
    const sealed = seal(key, Buffer.from('{"email":"someone@example.org"}'), context.toString());
    const opener = new GcmOpener(key, context);
    for (let at = 0; at < sealed.length; at += 1) {
      for (const flip of [0x01, 0x80]) {
        const changed = Buffer.from(sealed);
        changed[at]! ^= flip;
        expect(failure(() => opener.open(changed))).toMatchObject({ code: 'decryption_failed' });
      }
    }
    expect(failure(() => new GcmOpener(randomBytes(32), context).open(sealed))).toMatchObject({ code: 'decryption_failed' });
    expect(failure(() => new GcmOpener(key, Buffer.from('another workspace')).open(sealed))).toMatchObject({ code: 'decryption_failed' });
    expect(failure(() => opener.open(sealed.subarray(0, 28)))).toMatchObject({ code: 'decryption_failed', message: 'Encrypted value has an unknown format' });
    // The opener still opens the untouched value after every refusal.
    expect(opener.open(sealed).toString()).toBe('{"email":"someone@example.org"}');
  });

  it('opens values past its own block limit through Node (one createDecipheriv), and refuses them changed', () => {
    const key = randomBytes(32);
    const context = Buffer.from('workspace');
    const big = randomBytes(5000);
    const sealed = seal(key, big, 'workspace');
    const opener = new GcmOpener(key, context);
    expect(opener.open(sealed).equals(big)).toBe(true);
    sealed[sealed.length - 1]! ^= 1;
    expect(failure(() => opener.open(sealed))).toMatchObject({ code: 'decryption_failed' });
  });

  it('opens a batch in order (openAll), across several calls to the block cipher and values it leaves to Node, as one by one', () => {
    const key = randomBytes(32);
    const opener = new GcmOpener(key, Buffer.from('workspace'));
    const plaintexts = Array.from({ length: 3000 }, (_, i) => randomBytes(i % 7 === 0 ? 1100 + i : i % 90));
    const sealed = plaintexts.map((p) => seal(key, p, 'workspace'));
    const opened = opener.openAll(sealed);
    expect(opened.length).toBe(3000);
    opened.forEach((p, i) => expect(p.equals(plaintexts[i]!), `value ${i}`).toBe(true));
    expect(opener.openAll([])).toEqual([]);
  });

  it('refuses a batch with one changed value anywhere in it (decryption_failed), and opens it once mended', () => {
    const key = randomBytes(32);
    const opener = new GcmOpener(key, Buffer.from('workspace'));
    const sealed = Array.from({ length: 600 }, (_, i) => seal(key, Buffer.from(`{"n":${i}}`), 'workspace'));
    for (const at of [0, 299, 599]) {
      sealed[at]![20]! ^= 4;
      expect(failure(() => opener.openAll(sealed))).toMatchObject({ code: 'decryption_failed' });
      sealed[at]![20]! ^= 4;
    }
    expect(opener.openAll(sealed).map((p) => p.toString())[599]).toBe('{"n":599}');
  });
});
