import { createHash, createHmac, randomBytes } from 'node:crypto';

/**
 * The verifiable part of a giveaway draw, as pure functions anyone can re-run.
 *
 * 1. A secret 32-byte seed is drawn with `node:crypto` before the draw (when it is prepared, the
 *    flow closes, or the previous draw of the same giveaway ran) and only its SHA-256, the
 *    commitment, is published.
 * 2. The draw's pool is the eligible participants' subject hashes sorted bytewise; the pool
 *    digest is the SHA-256 of their concatenation.
 * 3. Uniform integers in [0, max) come from HMAC-SHA256(seed, `${poolDigest}:${counter}`),
 *    counter = 1, 2, …: the first 6 bytes as a big-endian integer, rejected when at or above the
 *    largest multiple of max below 2^48 (no modulo bias), else taken modulo max.
 * 4. Winners are a partial Fisher–Yates shuffle of the pool positions with those integers.
 *
 * With the seed revealed after the draw, anyone holding the pool can check the commitment and
 * recompute exactly the same winners; nobody could predict them before the draw.
 */
export const SEEDED_DRAW_ALGORITHM = 'sha256-committed-seed/hmac-sha256(seed,pool-digest:counter)/fisher-yates/one-chance-per-participant';

const WORD_LIMIT = 2 ** 48;

/** A fresh secret seed (32 random bytes). */
export function newDrawSeed(): Buffer {
  return randomBytes(32);
}

/** The published commitment to a seed: its SHA-256, hex. */
export function seedCommitment(seed: Buffer): string {
  return createHash('sha256').update(seed).digest('hex');
}

/** SHA-256 (hex) of the pool's subject hashes, in the (sorted) order given. */
export function poolDigest(subjectHashes: Iterable<Buffer>): string {
  const digest = createHash('sha256');
  for (const hash of subjectHashes) digest.update(hash);
  return digest.digest('hex');
}

/**
 * A deterministic source of uniform integers derived from the seed and the pool digest (step 3).
 *
 * @example const random = seededRandomInt(seed, digest); random(10) // e.g. 7, the same every run
 */
export function seededRandomInt(seed: Buffer, digest: string): (max: number) => number {
  let counter = 0;
  return (max) => {
    if (!Number.isInteger(max) || max < 1 || max > WORD_LIMIT) throw new RangeError('max must be a whole number from 1 to 2^48');
    const limit = WORD_LIMIT - (WORD_LIMIT % max);
    for (;;) {
      counter += 1;
      const word = createHmac('sha256', seed).update(`${digest}:${counter}`).digest().readUIntBE(0, 6);
      if (word < limit) return word % max;
    }
  };
}
