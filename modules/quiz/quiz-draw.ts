/**
 * A participant's own draw of a quiz: which questions are asked and in what order, and the order
 * of each question's answers, all made from one seed the session keeps, so every turn of the quiz
 * sees the same draw and a quiz taken again draws anew.
 */

/** A fresh seed for a draw (32 bits). */
export function drawSeed(random: () => number = Math.random): number {
  return Math.floor(random() * 2 ** 32) >>> 0;
}

/** mulberry32: a small, fast 32-bit generator; plenty for ordering buttons (not for secrets or prizes). */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** 0 … n-1 in the order the generator deals them (Fisher–Yates). */
function shuffled(n: number, next: () => number): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i -= 1) {
    const j = Math.floor(next() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}

/**
 * The questions asked, as indexes into the quiz's questions: `count` of them drawn at random (in
 * a random order), or all of them shuffled, or (no seed) all in their order.
 */
export function askedQuestions(total: number, options: { readonly seed: number | undefined; readonly count?: number; readonly shuffle?: boolean }): number[] {
  const count = Math.min(options.count ?? total, total);
  if (options.seed === undefined || (!options.shuffle && count === total)) return Array.from({ length: count }, (_, i) => i);
  return shuffled(total, generator(options.seed)).slice(0, count);
}

/** The order of a question's answers for a draw: its own shuffle, made from the seed and the question's place in the quiz. */
export function answerOrder(answers: number, seed: number, question: number): number[] {
  return shuffled(answers, generator((seed ^ Math.imul(question + 1, 0x9e3779b1)) >>> 0));
}
