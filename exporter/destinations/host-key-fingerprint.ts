import { createHash, timingSafeEqual } from 'node:crypto';

/** The form `ssh-keygen -lf key.pub -E sha256` prints: `SHA256:` and 43 base64 digits (no padding). */
export const HOST_KEY_SHA256_PATTERN = '^SHA256:[A-Za-z0-9+/]{43}$';

/**
 * The OpenSSH SHA-256 fingerprint of a raw (wire format) host key.
 *
 * @example
 * hostKeyFingerprint(key) // 'SHA256:41pVZ5GCNvPpLUDPYn7IYTaVbQhbqNtQVUkM+wCPyYw'
 */
export function hostKeyFingerprint(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
}

/** True when `key` has the pinned fingerprint; compared in constant time. */
export function matchesFingerprint(key: Buffer, pinned: string): boolean {
  const actual = createHash('sha256').update(hostKeyFingerprint(key)).digest();
  const expected = createHash('sha256').update(pinned).digest();
  return timingSafeEqual(actual, expected);
}
