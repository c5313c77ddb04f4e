import { describe, expect, it } from 'vitest';
import { answerOrder, askedQuestions, drawSeed } from './quiz-draw.js';

describe('a quiz draw', () => {
  it('asks every question in its order without a seed, and when nothing is drawn', () => {
    expect(askedQuestions(4, { seed: undefined })).toEqual([0, 1, 2, 3]);
    expect(askedQuestions(4, { seed: 12345 })).toEqual([0, 1, 2, 3]);
    expect(askedQuestions(4, { seed: undefined, count: 2 })).toEqual([0, 1]);
  });

  it('makes the same draw of the same seed, a permutation or a subset of distinct questions', () => {
    const seed = drawSeed();
    expect(askedQuestions(6, { seed, shuffle: true })).toEqual(askedQuestions(6, { seed, shuffle: true }));
    expect(askedQuestions(6, { seed, shuffle: true }).sort()).toEqual([0, 1, 2, 3, 4, 5]);
    const subset = askedQuestions(10, { seed, count: 4 });
    expect(new Set(subset).size).toBe(4);
    expect(subset.every((i) => i >= 0 && i < 10)).toBe(true);
    expect(answerOrder(5, seed, 3)).toEqual(answerOrder(5, seed, 3));
    expect(answerOrder(5, seed, 3).sort()).toEqual([0, 1, 2, 3, 4]);
  });

  it('gives each question about as often each place over many seeds', () => {
    const firsts = [0, 0, 0, 0];
    const answerFirsts = [0, 0, 0, 0];
    const draws = 8000;
    for (let i = 0; i < draws; i += 1) {
      const seed = drawSeed();
      firsts[askedQuestions(4, { seed, shuffle: true })[0]!]! += 1;
      answerFirsts[answerOrder(4, seed, 1)[0]!]! += 1;
    }
    // Each of 4 should come first a quarter of the time: 2,000 ± 15 %.
    for (const count of [...firsts, ...answerFirsts]) expect(Math.abs(count - draws / 4)).toBeLessThan(300);
  });

  it('draws seeds over 32 bits', () => {
    expect(drawSeed(() => 0)).toBe(0);
    expect(drawSeed(() => 0.999999999)).toBe(4294967291);
    expect(Number.isInteger(drawSeed())).toBe(true);
  });
});
