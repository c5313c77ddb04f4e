import { describe, expect, it } from 'vitest';
import { sampleIndexes } from '../../storage/giveaway-draw-repository.js';
import { newDrawSeed, poolDigest, seedCommitment, seededRandomInt } from '../../storage/giveaway-draw-seed.js';

/** How often each key comes out of `runs` calls of `draw`. */
function tally(runs: number, draw: () => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = 0; i < runs; i += 1) {
    const key = draw();
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

describe('winner sampling (partial Fisher–Yates over node:crypto randomInt)', () => {
  it('3000 draws of 1 among 3: each within ±15% of 1000 (more than 5 standard deviations)', () => {
    const counts = tally(3000, () => String(sampleIndexes(3, 1)[0]));
    expect([...counts.keys()].sort()).toEqual(['0', '1', '2']);
    for (const n of counts.values()) expect(Math.abs(n - 1000)).toBeLessThanOrEqual(150);
  });

  it('every ordered pair of 2 among 4 is equally likely: 12000 draws, each of the 12 within ±15% of 1000', () => {
    const counts = tally(12_000, () => sampleIndexes(4, 2).join(','));
    expect(counts.size).toBe(12);
    for (const n of counts.values()) expect(Math.abs(n - 1000)).toBeLessThanOrEqual(150);
  });

  it('3 among 10: every index is chosen with probability 0.3 (20000 draws, each within ±5% of 6000)', () => {
    const counts = new Map<number, number>();
    for (let i = 0; i < 20_000; i += 1) for (const index of sampleIndexes(10, 3)) counts.set(index, (counts.get(index) ?? 0) + 1);
    expect(counts.size).toBe(10);
    for (const n of counts.values()) expect(Math.abs(n - 6000)).toBeLessThanOrEqual(300);
  });

  it('never repeats an index, and a count above the pool size gives the whole pool', () => {
    for (let i = 0; i < 200; i += 1) {
      const picks = sampleIndexes(50, 20);
      expect(new Set(picks).size).toBe(20);
      expect(picks.every((p) => Number.isInteger(p) && p >= 0 && p < 50)).toBe(true);
    }
    expect(sampleIndexes(5, 9).sort()).toEqual([0, 1, 2, 3, 4]);
    expect(sampleIndexes(0, 3)).toEqual([]);
    expect(sampleIndexes(5, 0)).toEqual([]);
  });

  it('follows the random source exactly (swaps, not re-draws): a fixed source gives a fixed selection', () => {
    expect(sampleIndexes(5, 3, () => 0)).toEqual([0, 1, 2]);
    // Always the last slot: picks 4, moves the front value (0) there, so the next pick is 0, then 1.
    expect(sampleIndexes(5, 3, (max) => max - 1)).toEqual([4, 0, 1]);
    const asked: number[] = [];
    sampleIndexes(6, 4, (max) => {
      asked.push(max);
      return 0;
    });
    expect(asked).toEqual([6, 5, 4, 3]);
  });
});

describe('seeded winner selection (committed seed + pool digest)', () => {
  const digest = poolDigest([Buffer.alloc(32, 1), Buffer.alloc(32, 2)]);

  it('is a function of seed and pool digest: the same pair gives the same winners, another seed or pool others', () => {
    const seed = newDrawSeed();
    const picks = sampleIndexes(1000, 10, seededRandomInt(seed, digest));
    expect(sampleIndexes(1000, 10, seededRandomInt(Buffer.from(seed), digest))).toEqual(picks);
    expect(sampleIndexes(1000, 10, seededRandomInt(newDrawSeed(), digest))).not.toEqual(picks);
    expect(sampleIndexes(1000, 10, seededRandomInt(seed, poolDigest([Buffer.alloc(32, 3)])))).not.toEqual(picks);
    expect(seedCommitment(seed)).toMatch(/^[0-9a-f]{64}$/);
    expect(seedCommitment(seed)).toBe(seedCommitment(Buffer.from(seed)));
  });

  it('stays uniform over fresh seeds: 3000 draws of 1 among 3, each within ±15% of 1000', () => {
    const counts = tally(3000, () => String(sampleIndexes(3, 1, seededRandomInt(newDrawSeed(), digest))[0]));
    expect([...counts.keys()].sort()).toEqual(['0', '1', '2']);
    for (const n of counts.values()) expect(Math.abs(n - 1000)).toBeLessThanOrEqual(150);
  });

  it('answers in range for any size, and refuses a size it cannot serve uniformly', () => {
    const random = seededRandomInt(newDrawSeed(), digest);
    for (const max of [1, 2, 7, 1000, 2 ** 47 + 1]) {
      const value = random(max);
      expect(Number.isInteger(value) && value >= 0 && value < max).toBe(true);
    }
    expect(() => random(0)).toThrow(RangeError);
    expect(() => random(2 ** 49)).toThrow(RangeError);
  });
});
