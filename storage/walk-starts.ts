import { sql, type RawBuilder } from 'kysely';

/** How long a start found by claims is trusted before a claim walks the queue from its first row again. */
export const WALK_START_TRUST_MS = 1000;

/** Queues remembered at most; the one taken from least recently is forgotten first. */
const MAX_QUEUES = 1000;

/** A row's place in a queue's order: an instant (the moment, the upload), then the row's id (a bigint, as text). */
export interface QueuePosition {
  readonly at: Date;
  readonly id: string;
}

/** True when `a` comes before `b` in queue order. */
export function comesBefore(a: QueuePosition, b: QueuePosition): boolean {
  return a.at.getTime() < b.at.getTime() || (a.at.getTime() === b.at.getTime() && BigInt(a.id) < BigInt(b.id));
}

/** The flow step whose rows a queue holds (an instant-win draw, a code pool). */
export interface QueueStep {
  readonly flowId: string;
  readonly stepId: string;
}

/** A step's key; flow ids (uuids) tell apart the steps of every database. */
const keyOf = (step: QueueStep): string => `${step.flowId}\u0000${step.stepId}`;

/**
 * Where a walk of a queue's free rows may start: the latest row this process took from the
 * queue. Two tables are taken as queues, in the order of an index of their free rows: an
 * instant-win draw's unclaimed moments (`instant-win-repository.ts`) and a code pool's codes not
 * handed out (`code-pool-repository.ts`).
 *
 * Why: each row taken leaves a dead entry in the index of free rows until a VACUUM removes it
 * (autovacuum comes at most once a minute), so in a rush every taker stepped over all the rows
 * taken since the last VACUUM: on 1,000,000 instant-win moments, 100 buffers a claim over the
 * first 23,000 claims, 1,214 past 162,000.
 *
 * What it changes: every row before the start was taken, or held by a taker in flight, when the
 * start was taken; one such taker that then rolled back leaves its row free behind the start.
 * So a start is trusted for `WALK_START_TRUST_MS` (by the takers' own clock) after the last walk
 * from the first row, and a taker that finds nothing past its start walks from the first row in
 * the same statement (`walkedFrom`): a row left behind waits at most that long, or until the
 * free rows past it run out, before a taker gets it. A row is never given twice either way: the
 * taker still takes only a free row that no other transaction holds. Each process keeps its own
 * starts; a start behind other processes' takers only walks further.
 */
export class WalkStarts {
  readonly #queues = new Map<string, { start: QueuePosition; walkedAt: number }>();

  /** The start a taker from the queue of `step` at `at` (its own clock) may walk from, or undefined when it must walk from the first row. */
  startOf(step: QueueStep, at: Date): QueuePosition | undefined {
    const entry = this.#queues.get(keyOf(step));
    if (!entry || at.getTime() - entry.walkedAt > WALK_START_TRUST_MS) return undefined;
    return entry.start;
  }

  /**
   * Records the row a taker at `at` took, having walked from `start` (undefined: from the first
   * row): the next takers start at it. A walk from the first row (a row before the start came
   * from one) is trusted anew from `at`.
   */
  took(step: QueueStep, taken: QueuePosition, at: Date, start: QueuePosition | undefined): void {
    const queue = keyOf(step);
    const entry = this.#queues.get(queue);
    const walked = !start || !entry || comesBefore(taken, start);
    this.#queues.delete(queue);
    this.#queues.set(queue, { start: taken, walkedAt: walked ? at.getTime() : entry.walkedAt });
    if (this.#queues.size > MAX_QUEUES) this.#queues.delete(this.#queues.keys().next().value!);
  }
}

/**
 * The id of a queue's first free row as a scalar subquery, walked from `start` when there is one:
 * `walk(from)` is the subquery with `from` as one more condition, ordered by `(column, id)`.
 * PostgreSQL runs the walk from the first row only when the one from the start found nothing
 * (the second argument of `coalesce`).
 */
export function walkedFrom(walk: (from: RawBuilder<unknown>) => RawBuilder<unknown>, column: string, start: QueuePosition | undefined): RawBuilder<unknown> {
  const first = walk(sql``);
  if (!start) return first;
  return sql`coalesce(${walk(sql`and (${sql.ref(column)}, id) >= (${start.at}, ${start.id}::bigint)`)}, ${first})`;
}
