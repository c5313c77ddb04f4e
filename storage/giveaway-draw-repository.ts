import { randomInt } from 'node:crypto';
import { sql } from 'kysely';
import { uuidV7 } from './uuid-v7.js';
import type { Db } from './database.js';
import { inTransaction, type StoreContext } from './store-context.js';
import { TABLE_DEFAULT_RETENTION_DAYS } from '../core/store-tables.js';
import { writeStoreRow } from './store-batch-writer.js';
import { ParleyError } from '../core/errors.js';
import { prizeRowData, type DrawPrize } from '../core/prize.js';
import { DRAW_SOURCE, eligiblePool } from './giveaway-draw-pool.js';
import { newDrawSeed, poolDigest, SEEDED_DRAW_ALGORITHM, seededRandomInt, seedCommitment } from './giveaway-draw-seed.js';
import { commitDrawSeed, takeDrawSeed, type TakenSeed } from './giveaway-draw-seed-repository.js';
import { recordWebhookEvent } from './webhook-outbox.js';

export { getGiveawayDraw, listGiveawayDraws, type GiveawayDrawRecord } from './giveaway-draw-records.js';

/** What a winner draw is asked for. */
export interface DrawRequest {
  readonly workspaceId: string;
  readonly flowId: string;
  /** The module of the giveaway steps (the runtime asks the registry which modules draw winners). */
  readonly moduleId: string;
  /** One giveaway step; without it, every giveaway step of the flow is one pool. */
  readonly stepId?: string;
  /** How many winners to draw (fewer when fewer participants are eligible). */
  readonly count: number;
  readonly now: Date;
  /** The API key that ran the draw. */
  readonly drawnBy: string;
  /** The client's key for this request: a repeat gets the same draw back instead of a new one. */
  readonly idempotencyKey?: string;
  /** What the winners get, when the giveaway names a prize: written on their rows. */
  readonly prize?: DrawPrize;
}

/** The seed a draw used, revealed once the draw is made, with the commitment published before. */
export interface RevealedSeed {
  /** Hex. */
  readonly seed: string;
  /** SHA-256 (hex) of the seed. */
  readonly commitment: string;
  readonly committedAt: Date;
}

export interface DrawnWinner {
  /** The `winners` store row written for this winner. */
  readonly rowId: string;
  readonly participantRef: string | null;
}

export interface DrawResult {
  readonly drawId: string;
  readonly winners: readonly DrawnWinner[];
  /** Eligible participants the winners were drawn from (previous winners excluded). */
  readonly participants: number;
  readonly poolDigest: string;
  /** Null only for draws recorded before seeds were. */
  readonly seed: RevealedSeed | null;
  /** True when an earlier request with the same idempotency key made this draw. */
  readonly replayed: boolean;
}

/** Source of uniform integers in [0, max): the seeded stream of giveaway-draw-seed.ts in draws. */
export type RandomInt = (max: number) => number;

export const DRAW_ALGORITHM = SEEDED_DRAW_ALGORITHM;
export const MAX_WINNERS_PER_DRAW = 10_000;

/**
 * Picks `count` distinct indexes of `0..size-1` uniformly at random: a partial Fisher–Yates
 * shuffle (every ordered selection equally likely when `random` is uniform).
 *
 * @example sampleIndexes(3, 1) // e.g. [2]
 */
export function sampleIndexes(size: number, count: number, random: RandomInt = randomInt): number[] {
  const picks = Math.min(Math.max(count, 0), size);
  const slots = new Map<number, number>();
  const at = (i: number): number => slots.get(i) ?? i;
  const chosen: number[] = [];
  for (let i = 0; i < picks; i += 1) {
    const j = i + random(size - i);
    const value = at(j);
    slots.set(j, at(i));
    chosen.push(value);
  }
  return chosen;
}

/**
 * Draws giveaway winners among a flow's live participations: one chance per participant
 * (distinct subject hash, however many entries they made), participants already drawn by an
 * earlier draw of the same giveaway excluded, chosen from a seed committed before the draw (see
 * giveaway-draw-seed.ts) so the draw can be replayed. Writes one `winners` row per winner (the
 * email re-encrypted, `data.source = 'giveaway-draw'`), records the draw in `giveaway_draws` and
 * commits the seed of the next draw, and writes the `giveaway.drawn` webhook event, all in one transaction.
 *
 * A draw of the same giveaway already running is refused (`conflict`), never queued: a step draw
 * excludes draws of that step and flow-wide ones, a flow-wide draw excludes every draw of the
 * flow. With an idempotency key, a request repeated after its draw committed gets that draw back
 * (`replayed: true`); the same key with a different request is refused.
 *
 * @example await drawGiveawayWinners(storage, { workspaceId, flowId, stepId: 'draw', count: 3, now, drawnBy: key.id })
 */
export async function drawGiveawayWinners(ctx: StoreContext, request: DrawRequest): Promise<DrawResult> {
  if (!Number.isInteger(request.count) || request.count < 1 || request.count > MAX_WINNERS_PER_DRAW) {
    throw new ParleyError('validation_failed', `count must be a whole number from 1 to ${MAX_WINNERS_PER_DRAW}`, { path: '/count' });
  }
  return inTransaction(ctx, async (trx) => {
    const { workspaceId, flowId, now } = request;
    const stepId = request.stepId ?? null;
    const flow = await sql<{ storage_enabled: boolean }>`
      select w.storage_enabled and not (${request.moduleId}::text = any(w.storage_off_modules)) as storage_enabled
      from flows f join workspaces w on w.id = f.workspace_id
      where f.id = ${flowId} and f.workspace_id = ${workspaceId}`.execute(trx.db);
    if (!flow.rows[0]) throw new ParleyError('not_found', 'No such flow');
    const earlier = await drawForKey(trx.db, request);
    if (earlier) return earlier;
    if (!flow.rows[0].storage_enabled) throw new ParleyError('storage_disabled', 'Storage is switched off for this workspace or this module');
    await holdDrawLock(trx.db, request);
    const committedMeanwhile = await drawForKey(trx.db, request);
    if (committedMeanwhile) return committedMeanwhile;

    const seed = (await takeDrawSeed(trx.db, flowId, stepId)) ?? freshSeed(stepId, now);
    const pool = await eligiblePool(trx.db, { workspaceId, flowId, moduleId: request.moduleId, stepId, now });
    const digest = poolDigest(pool.map((entry) => entry.subject_hash));
    const positions = sampleIndexes(pool.length, request.count, seededRandomInt(seed.seed, digest));
    const drawId = uuidV7();
    const winners: DrawnWinner[] = [];
    for (const position of positions) {
      const winner = pool[position]!;
      const email = await participantEmail(trx, workspaceId, winner.id);
      const written = await writeStoreRow(trx, workspaceId, {
        table: 'winners',
        moduleId: request.moduleId,
        defaultRetentionDays: TABLE_DEFAULT_RETENTION_DAYS.winners,
        flowId,
        stepId,
        sessionId: winner.session_id,
        participantRef: winner.participant_ref,
        data: { source: DRAW_SOURCE, drawId, rank: winners.length + 1, ...prizeRowData(request.prize) },
        personal: email ? { email } : null,
        subject: email,
      });
      if (!written.stored) throw new ParleyError('storage_disabled', 'Storage is switched off for this workspace or this module');
      winners.push({ rowId: written.id, participantRef: winner.participant_ref });
    }

    await sql`
      insert into giveaway_draws (id, workspace_id, flow_id, step_id, drawn_at, drawn_by_key_id, requested, drawn, participants_count, algorithm,
        pool_digest, seed, seed_commitment, seed_committed_at, winner_positions, idempotency_key, request_fingerprint)
      values (${drawId}, ${workspaceId}, ${flowId}, ${stepId}, ${now}, ${request.drawnBy}, ${request.count}, ${winners.length},
        ${pool.length}, ${DRAW_ALGORITHM}, ${digest}, ${seed.seed}, ${seed.commitment}, ${seed.committedAt}, ${positions},
        ${request.idempotencyKey ?? null}, ${fingerprintOf(request)})`.execute(trx.db).catch((error: unknown) => {
      // The same key sent for another giveaway of the workspace at the same moment: that one won.
      if ((error as { code?: unknown }).code !== '23505') throw error;
      throw new ParleyError('conflict', 'Another draw request with this Idempotency-Key is running; try again once it has finished', { details: { reason: 'idempotency_key_in_use' } });
    });
    await commitDrawSeed(trx.db, { workspaceId, flowId, stepId, now });
    await recordWebhookEvent(trx.db, { workspaceId, type: 'giveaway.drawn', flowId, sourceTable: 'giveaway_draws', sourceId: drawId, at: now });
    return { drawId, winners, participants: pool.length, poolDigest: digest, seed: revealed(seed), replayed: false };
  });
}

/** A seed made at draw time, when none was committed before: its commitment is dated the draw. */
function freshSeed(stepId: string | null, now: Date): TakenSeed {
  const seed = newDrawSeed();
  return { stepId, seed, commitment: seedCommitment(seed), committedAt: now };
}

function revealed(seed: { seed: Buffer; commitment: string; committedAt: Date }): RevealedSeed {
  return { seed: seed.seed.toString('hex'), commitment: seed.commitment, committedAt: seed.committedAt };
}

/** What an idempotency key promises to repeat: the same flow, scope and count. */
function fingerprintOf(request: DrawRequest): string {
  return JSON.stringify([request.flowId, request.stepId ?? null, request.count]);
}

/** Refuses the draw when another draw of the same giveaway holds its lock (until that transaction ends). */
async function holdDrawLock(db: Db, request: DrawRequest): Promise<void> {
  const flowKey = `giveaway-draw:${request.workspaceId}:${request.flowId}`;
  const held = request.stepId === undefined
    ? await sql<{ held: boolean }>`select pg_try_advisory_xact_lock(hashtextextended(${flowKey}, 0)) as held`.execute(db)
    : await sql<{ held: boolean }>`
        select pg_try_advisory_xact_lock_shared(hashtextextended(${flowKey}, 0))
          and pg_try_advisory_xact_lock(hashtextextended(${`${flowKey}:${request.stepId}`}, 0)) as held`.execute(db);
  if (!held.rows[0]?.held) {
    throw new ParleyError('conflict', 'A draw of this giveaway is already running; try again once it has finished', { details: { reason: 'draw_in_progress' } });
  }
}

/** The committed draw this request's idempotency key already made, or undefined. */
async function drawForKey(db: Db, request: DrawRequest): Promise<DrawResult | undefined> {
  if (request.idempotencyKey === undefined) return undefined;
  const found = await sql<{ id: string; participants_count: number; pool_digest: string; seed: Buffer | null; seed_commitment: string | null; seed_committed_at: Date | null; request_fingerprint: string }>`
    select id, participants_count, pool_digest, seed, seed_commitment, seed_committed_at, request_fingerprint
    from giveaway_draws where workspace_id = ${request.workspaceId} and idempotency_key = ${request.idempotencyKey}`.execute(db);
  const draw = found.rows[0];
  if (!draw) return undefined;
  if (draw.request_fingerprint !== fingerprintOf(request)) {
    throw new ParleyError('validation_failed', 'This Idempotency-Key was already used for a different draw request', { path: '/headers/Idempotency-Key' });
  }
  const winners = await sql<{ id: string; participant_ref: string | null }>`
    select id, participant_ref from store_winners
    where workspace_id = ${request.workspaceId} and flow_id = ${request.flowId} and module_id = ${request.moduleId}
      and data->>'source' = ${DRAW_SOURCE} and data->>'drawId' = ${draw.id}
    order by (data->>'rank')::integer`.execute(db);
  return {
    drawId: draw.id,
    winners: winners.rows.map((w) => ({ rowId: w.id, participantRef: w.participant_ref })),
    participants: draw.participants_count,
    poolDigest: draw.pool_digest,
    seed: draw.seed && revealed({ seed: draw.seed, commitment: draw.seed_commitment!, committedAt: draw.seed_committed_at! }),
    replayed: true,
  };
}

/** The email a participation row holds (decrypted), or null when it has none. */
async function participantEmail(ctx: StoreContext, workspaceId: string, rowId: string): Promise<string | null> {
  const row = await sql<{ personal: Buffer | null }>`select personal from store_participations where id = ${rowId}`.execute(ctx.db);
  const sealed = row.rows[0]?.personal;
  if (!sealed) return null;
  const personal = await ctx.keyring.decryptJson<Record<string, unknown>>(workspaceId, sealed);
  return typeof personal.email === 'string' ? personal.email : null;
}
