import { createCipheriv, createDecipheriv } from 'node:crypto';
import { pooledRandomBytes } from './random-pool.js';
import { ParleyError } from '../../core/errors.js';

export const VERSION = 1;
export const IV_BYTES = 12;
export const TAG_BYTES = 16;

/**
 * AES-256-GCM sealing: `version(1) | iv(12) | tag(16) | ciphertext`.
 * `aad` binds the ciphertext to its context (a workspace id), so it cannot be moved elsewhere.
 */
export function seal(key: Buffer, plaintext: Buffer, aad: string): Buffer {
  const iv = pooledRandomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([Buffer.of(VERSION), iv, cipher.getAuthTag(), body]);
}

/** Opens what `seal` produced; a wrong key, context or a tampered byte is `decryption_failed`. */
export function open(key: Buffer, sealed: Buffer, aad: string): Buffer {
  return openWithContext(key, sealed, Buffer.from(aad, 'utf8'));
}

/** `open` with the context already encoded, for callers that open many values of one context. */
export function openWithContext(key: Buffer, sealed: Buffer, aad: Buffer): Buffer {
  if (sealed.length < 1 + IV_BYTES + TAG_BYTES || sealed[0] !== VERSION) {
    throw new ParleyError('decryption_failed', 'Encrypted value has an unknown format');
  }
  const iv = sealed.subarray(1, 1 + IV_BYTES);
  const tag = sealed.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES);
  const body = sealed.subarray(1 + IV_BYTES + TAG_BYTES);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv);
    decipher.setAAD(aad);
    decipher.setAuthTag(tag);
    const plaintext = decipher.update(body);
    const rest = decipher.final(); // empty for GCM, which is a stream mode
    return rest.length === 0 ? plaintext : Buffer.concat([plaintext, rest]);
  } catch (cause) {
    throw new ParleyError('decryption_failed', 'Encrypted value could not be decrypted', { cause });
  }
}
