import { sql, type RawBuilder } from 'kysely';
import type { Db } from './database.js';
import { transactionLockStatement, type StoreContext } from './store-context.js';
import { ParleyError } from '../core/errors.js';
import type { InstantWinMoment, InstantWinPlan, InstantWinPrizePlan, RecordedInstantWinDraw } from '../core/capabilities/instant-win-capability.js';
import { executeAfter } from './pipelining-driver.js';
import { subjectMaybeStored, type SubjectKey } from './subject-ledger.js';
import { liveSubjectRows, storedSubjectRows } from './store-unique-writer.js';
import { walkedFrom, WalkStarts, type QueuePosition, type QueueStep } from './walk-starts.js';

export type { InstantWinMoment, InstantWinPlan, InstantWinPrizePlan, RecordedInstantWinDraw };

export interface NewInstantWinDraw {
  readonly workspaceId: string;
  readonly flowId: string;
  readonly stepId: string;
  readonly plan: InstantWinPlan;
  /** SHA-256 hex of the canonical draw (moments mode), null in odds mode. */
  readonly commitment: string | null;
  /** Kept secret until the draw is revealed (moments mode), null in odds mode. */
  readonly salt: string | null;
  readonly moments: readonly InstantWinMoment[];
  readonly now: Date;
}

/** The public proof of one step's moments draw: the commitment, and the draw once revealed. */
export interface InstantWinProof {
  readonly stepId: string;
  readonly flowHashId: string;
  readonly commitment: string;
  readonly committedAt: Date;
  readonly revealedAt: Date | null;
  /** Null until the flow is closed; then everything needed to recompute the commitment. */
  readonly revealed: null | { readonly flowHashId: string; readonly stepId: string; readonly salt: string; readonly moments: readonly InstantWinMoment[] };
}

const INSERT_BATCH = 50_000;

/** The recorded draw of a step, row-locked for the caller's transaction, or undefined. */
export async function findInstantWinDraw(db: Db, flowId: string, stepId: string): Promise<RecordedInstantWinDraw | undefined> {
  const result = await sql<{ mode: InstantWinPlan['mode']; prizes: InstantWinPrizePlan[]; revealed_at: Date | null; last_moment: Date | null }>`
    select mode, prizes, revealed_at, last_moment from instant_win_draws
    where flow_id = ${flowId} and step_id = ${stepId}
    for update`.execute(db);
  const row = result.rows[0];
  if (!row) return undefined;
  return { plan: { mode: row.mode, prizes: row.prizes }, revealedAt: row.revealed_at, lastMoment: row.last_moment };
}

/** Records a new draw: its plan and commitment, then its moments (batched) or its stock. */
export async function recordInstantWinDraw(db: Db, draw: NewInstantWinDraw): Promise<void> {
  const { flowId, stepId, plan } = draw;
  await sql`
    insert into instant_win_draws (workspace_id, flow_id, step_id, mode, prizes, commitment, salt, last_moment, committed_at)
    values (${draw.workspaceId}, ${flowId}, ${stepId}, ${plan.mode}, ${JSON.stringify(plan.prizes)}::jsonb,
      ${draw.commitment}, ${draw.salt}, ${lastMoment(draw.moments)}, ${draw.now})`.execute(db);
  for (let start = 0; start < draw.moments.length; start += INSERT_BATCH) {
    const batch = draw.moments.slice(start, start + INSERT_BATCH);
    await sql`
      insert into instant_win_moments (flow_id, step_id, prize_id, moment)
      select ${flowId}, ${stepId}, t.prize_id, t.moment
      from unnest(${batch.map((m) => m.prizeId)}::text[], ${batch.map((m) => m.moment)}::timestamptz[]) as t (prize_id, moment)`.execute(db);
  }
  if (plan.mode === 'odds') {
    await sql`
      insert into instant_win_stock (flow_id, step_id, prize_id, stock, remaining)
      select ${flowId}, ${stepId}, t.prize_id, t.stock, t.stock
      from unnest(${plan.prizes.map((p) => p.id)}::text[], ${plan.prizes.map((p) => p.stock)}::int[]) as t (prize_id, stock)`.execute(db);
  }
}

function lastMoment(moments: readonly InstantWinMoment[]): Date | null {
  let last: number | null = null;
  for (const m of moments) {
    const at = Date.parse(m.moment);
    if (last === null || at > last) last = at;
  }
  return last === null ? null : new Date(last);
}

/** Marks a step's moments draw revealed (once; later calls keep the first instant). */
export async function revealInstantWinDraw(db: Db, flowId: string, stepId: string, now: Date): Promise<void> {
  await sql`
    update instant_win_draws set revealed_at = coalesce(revealed_at, ${now})
    where flow_id = ${flowId} and step_id = ${stepId} and commitment is not null`.execute(db);
}

/** Each draw's start (see `WalkStarts`). */
const MOMENT_STARTS = new WalkStarts();

/** A claimed moment as the claim statements return it. */
interface ClaimedRow {
  prize_id: string | null;
  moment: Date | null;
  moment_id: string | null;
}

/**
 * The id of the earliest unclaimed moment of a draw due at `at`, row-locked, as a scalar
 * subquery (`extra`: one more condition): rows another transaction is claiming are skipped, so
 * no moment is ever given twice. The select re-checks `claimed_at is null` on the row it locks;
 * the update around it then finds the row by primary key (repeating the predicate there would
 * let the planner walk the partial index instead). With a start, the walk begins there (see
 * `WalkStarts`, `walkedFrom`).
 */
function nextMoment(draw: QueueStep, at: Date, start: QueuePosition | undefined, extra: RawBuilder<unknown> = sql``): RawBuilder<unknown> {
  const walk = (from: RawBuilder<unknown>) => sql`(
      select id from instant_win_moments
      where flow_id = ${draw.flowId} and step_id = ${draw.stepId} and claimed_at is null and moment <= ${at} ${from} ${extra}
      order by moment, id
      limit 1
      for update skip locked)`;
  return walkedFrom(walk, 'moment', start);
}

/** The claim statement's update of the moment `nextMoment` picks, returning a `ClaimedRow`. */
function claimNext(draw: QueueStep, claim: { sessionId: string; at: Date }, start: QueuePosition | undefined, extra?: RawBuilder<unknown>) {
  return sql<ClaimedRow>`
    update instant_win_moments set claimed_by_session = ${claim.sessionId}, claimed_at = ${claim.at}
    where flow_id = ${draw.flowId} and step_id = ${draw.stepId} and id = ${nextMoment(draw, claim.at, start, extra)}
    returning prize_id, moment, id::text as moment_id`;
}

/** Records where the next claims of the draw start, when this one claimed a moment. */
function recordStart(draw: QueueStep, at: Date, start: QueuePosition | undefined, row: ClaimedRow | undefined): void {
  if (row?.moment && row.moment_id !== null) MOMENT_STARTS.took(draw, { at: row.moment, id: row.moment_id }, at, start);
}

/**
 * Claims the earliest unclaimed moment at or before `at` for a session, in one statement (see
 * `nextMoment`). Returns the prize id, or null when no moment is due.
 */
export async function claimInstantWinMoment(db: Db, claim: { flowId: string; stepId: string; sessionId: string; at: Date }): Promise<string | null> {
  const start = MOMENT_STARTS.startOf(claim, claim.at);
  const result = await claimNext(claim, claim, start).execute(db);
  recordStart(claim, claim.at, start, result.rows[0]);
  return result.rows[0]?.prize_id ?? null;
}

/**
 * Takes one unit of stock (odds mode): `choose` picks among the prizes that have some left,
 * and the decrement never goes below zero. Returns the prize id, or null when all are gone.
 */
export async function takeInstantWinStock(
  db: Db,
  draw: QueueStep,
  choose: (available: ReadonlyArray<{ prizeId: string; remaining: number }>) => string,
): Promise<string | null> {
  for (;;) {
    const available = await sql<{ prize_id: string; remaining: number }>`
      select prize_id, remaining from instant_win_stock
      where flow_id = ${draw.flowId} and step_id = ${draw.stepId} and remaining > 0
      order by prize_id collate "C"`.execute(db);
    if (available.rows.length === 0) return null;
    const prizeId = choose(available.rows.map((r) => ({ prizeId: r.prize_id, remaining: r.remaining })));
    if (!available.rows.some((r) => r.prize_id === prizeId)) throw new ParleyError('internal', 'Instant-win stock chooser picked an unavailable prize');
    const taken = await sql<{ prize_id: string }>`
      update instant_win_stock set remaining = remaining - 1
      where flow_id = ${draw.flowId} and step_id = ${draw.stepId} and prize_id = ${prizeId} and remaining > 0
      returning prize_id`.execute(db);
    if (taken.rows[0]) return taken.rows[0].prize_id;
  }
}

export interface InstantWinSubject {
  readonly workspaceId: string;
  readonly flowId: string;
  readonly moduleId: string;
  readonly normalized: string;
}

/**
 * The statement that serializes the participations of one subject in one flow (a
 * transaction-level advisory lock, held until the caller's transaction ends). It must run
 * inside a transaction, as a statement of its own before the statements that read: they then
 * see every participation of that subject that committed before.
 */
function subjectLock(db: Db, subject: InstantWinSubject, hash: Buffer) {
  return transactionLockStatement(db, `instant-win:${subject.workspaceId}:${subject.flowId}:${hash.toString('hex')}`);
}

/** The module's winners rows of one subject in one flow (`hash`: the subject's lookup hash). */
const winsOf = (subject: InstantWinSubject, hash: Buffer): SubjectKey => ({
  workspaceId: subject.workspaceId,
  flowId: subject.flowId,
  hash,
  table: 'winners',
  moduleId: subject.moduleId,
});

/**
 * Serializes the participations of one subject in one flow until the caller's transaction
 * ends and returns the live winners rows the module has for that subject in that flow. The lock
 * and the subject ledger's answer go out in one round trip; the store's winners are counted
 * only when the ledger cannot rule them out.
 */
export async function holdInstantWinSubject(ctx: StoreContext, subject: InstantWinSubject): Promise<number> {
  const hash = await ctx.keyring.lookupHash(subject.workspaceId, subject.normalized);
  return liveSubjectRows(ctx.db, winsOf(subject, hash), ctx.clock.now(), null, [subjectLock(ctx.db, subject, hash)]);
}

/** One statement: with `wins` (SQL) the subject's wins so far, claims the earliest unclaimed moment due at `at` when below `maxWins`. */
function claimBelow(draw: QueueStep, claim: { sessionId: string; at: Date; maxWins: number }, wins: RawBuilder<number>, start: QueuePosition | undefined) {
  return sql<{ wins: number } & ClaimedRow>`
    with wins as (select ${wins} as n),
    claimed as (${claimNext(draw, claim, start, sql`and (select n from wins) < ${claim.maxWins}`)})
    select (select n from wins) as wins, (select prize_id from claimed) as prize_id, (select moment from claimed) as moment, (select moment_id from claimed) as moment_id`;
}

/**
 * A subject's participation in a moments draw, in one round trip when the subject ledger shows
 * no live win of the subject (the common case): the subject is serialized (as
 * `holdInstantWinSubject`), then one statement claims the earliest unclaimed moment due at `at`
 * (as `claimInstantWinMoment`). When the ledger cannot rule wins out, that statement claims
 * nothing, and a second one counts the store's winners and claims below `maxWins`. Returns the
 * wins before this participation and the prize id claimed, or null.
 */
export async function claimInstantWinMomentWithin(
  ctx: StoreContext,
  subject: InstantWinSubject,
  claim: { stepId: string; sessionId: string; at: Date; maxWins: number },
): Promise<{ wins: number; prizeId: string | null }> {
  const hash = await ctx.keyring.lookupHash(subject.workspaceId, subject.normalized);
  const now = ctx.clock.now();
  const draw = { flowId: subject.flowId, stepId: claim.stepId };
  const start = MOMENT_STARTS.startOf(draw, claim.at);
  // "Maybe won" stands for maxWins wins, so that statement claims nothing and says to count.
  const ledgerWins = sql<number>`case when ${subjectMaybeStored(winsOf(subject, hash), now)} then ${claim.maxWins}::int else 0 end`;
  const fast = await executeAfter(ctx.db, [subjectLock(ctx.db, subject, hash)], claimBelow(draw, claim, ledgerWins, start).compile(ctx.db));
  const row = fast.rows[0]!;
  if (row.wins === 0) {
    recordStart(draw, claim.at, start, row);
    return { wins: 0, prizeId: row.prize_id };
  }
  const counted = (await claimBelow(draw, claim, storedSubjectRows(winsOf(subject, hash), now), start).execute(ctx.db)).rows[0]!;
  recordStart(draw, claim.at, start, counted);
  return { wins: counted.wins, prizeId: counted.prize_id };
}

/**
 * The proof of every moments draw of a flow, for the admin API: the commitment always, the
 * salt and moments only once the flow is closed and the draw revealed. Undefined when the flow
 * is not one of the workspace's.
 */
export async function getInstantWinProof(db: Db, workspaceId: string, flowId: string): Promise<InstantWinProof[] | undefined> {
  const flow = await sql<{ hash_id: string; status: string }>`
    select hash_id, status from flows where id = ${flowId} and workspace_id = ${workspaceId}`.execute(db);
  const found = flow.rows[0];
  if (!found) return undefined;
  const draws = await sql<{ step_id: string; commitment: string; salt: string; committed_at: Date; revealed_at: Date | null }>`
    select step_id, commitment, salt, committed_at, revealed_at from instant_win_draws
    where flow_id = ${flowId} and workspace_id = ${workspaceId} and commitment is not null
    order by step_id collate "C"`.execute(db);
  const proofs: InstantWinProof[] = [];
  for (const draw of draws.rows) {
    const open = found.status === 'closed' && draw.revealed_at !== null;
    const moments = open ? await listMoments(db, flowId, draw.step_id) : [];
    proofs.push({
      stepId: draw.step_id,
      flowHashId: found.hash_id,
      commitment: draw.commitment,
      committedAt: draw.committed_at,
      revealedAt: open ? draw.revealed_at : null,
      revealed: open ? { flowHashId: found.hash_id, stepId: draw.step_id, salt: draw.salt, moments } : null,
    });
  }
  return proofs;
}

/** A step's moments in canonical order (instant, then prize id by code point). */
async function listMoments(db: Db, flowId: string, stepId: string): Promise<InstantWinMoment[]> {
  const rows = await sql<{ prize_id: string; moment: Date }>`
    select prize_id, moment from instant_win_moments
    where flow_id = ${flowId} and step_id = ${stepId}
    order by moment, prize_id collate "C"`.execute(db);
  return rows.rows.map((r) => ({ prizeId: r.prize_id, moment: r.moment.toISOString() }));
}
