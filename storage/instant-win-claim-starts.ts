/** Where a claim's walk of a draw's unclaimed moments may start: a moment already claimed, in claim order. */
export interface ClaimStart {
  readonly moment: Date;
  /** The moment's row id (a bigint, as text): ties between equal instants go by it. */
  readonly id: string;
}

/** How long a start found by claims is trusted before a claim walks the draw from its first moment again. */
export const CLAIM_START_TRUST_MS = 1000;

/** Draws remembered at most; the one claimed from least recently is forgotten first. */
const MAX_DRAWS = 1000;

/**
 * The latest moment this process claimed, per draw (flow and step), so that the next claim can
 * start its walk of the unclaimed moments there instead of at the draw's first moment.
 *
 * Why: a claim takes the earliest due moment through an index of the unclaimed ones, and each
 * claimed moment leaves a dead entry there until a VACUUM removes it (autovacuum comes at most
 * once a minute), so in a rush of winning claims every claim stepped over all the moments claimed
 * since the last VACUUM: 100 buffers a claim after 23,000 claims, 1,214 after 172,000.
 *
 * What it changes: every moment before the start was claimed, or held by a claim in flight, when
 * the start was claimed; one such claim that then rolled back leaves its moment unclaimed behind
 * the start. So a start is trusted for `CLAIM_START_TRUST_MS` (by the claims' own clock) after
 * the last walk from the first moment, and a claim that finds nothing due past its start walks
 * from the first moment in the same statement: a moment left behind waits at most that long, or
 * until the due moments past it run out, before a claim takes it. A moment is never given twice
 * either way: the claim still takes only an unclaimed moment that no other transaction holds.
 * Each process keeps its own starts; a start behind other processes' claims only walks further.
 */
export class ClaimStarts {
  readonly #draws = new Map<string, { start: ClaimStart; walkedAt: number }>();

  /**
   * The start a claim of this draw at `at` (the claim's own clock) may walk from, or undefined
   * when it must walk from the first moment.
   */
  startOf(flowId: string, stepId: string, at: Date): ClaimStart | undefined {
    const entry = this.#draws.get(key(flowId, stepId));
    if (!entry || at.getTime() - entry.walkedAt > CLAIM_START_TRUST_MS) return undefined;
    return entry.start;
  }

  /**
   * Records the moment a claim at `at` took: the next claims start at it. `walked`: the claim
   * walked from the draw's first moment, so the start is trusted anew from `at`.
   */
  claimed(flowId: string, stepId: string, start: ClaimStart, at: Date, walked: boolean): void {
    const name = key(flowId, stepId);
    const entry = this.#draws.get(name);
    this.#draws.delete(name);
    this.#draws.set(name, { start, walkedAt: walked || !entry ? at.getTime() : entry.walkedAt });
    if (this.#draws.size > MAX_DRAWS) this.#draws.delete(this.#draws.keys().next().value!);
  }
}

const key = (flowId: string, stepId: string): string => `${flowId}\u0000${stepId}`;

/** The process's claim starts, shared by every storage of the process (draws are told apart by their flow id, a uuid). */
export const CLAIM_STARTS = new ClaimStarts();
