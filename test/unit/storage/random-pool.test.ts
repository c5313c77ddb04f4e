import { describe, expect, it } from 'vitest';
import { pooledRandomBytes } from '../../../storage/crypto/random-pool.js';

describe('pooled random bytes', () => {
  it('hands out each byte once: 20,000 nonces across several pool refills are all distinct', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 20_000; i += 1) {
      const nonce = pooledRandomBytes(12);
      expect(nonce.length).toBe(12);
      seen.add(nonce.toString('hex'));
    }
    expect(seen.size).toBe(20_000);
  });

  it('gives sizes beyond its slice limit straight from the CSPRNG', () => {
    const big = pooledRandomBytes(4096);
    expect(big.length).toBe(4096);
    expect(new Set(big).size).toBeGreaterThan(200);
  });
});
