import { createHash, randomInt } from 'node:crypto';
import { sql } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { Db } from './database.js';
import { inTransaction, type StoreContext } from './store-context.js';
import { TABLE_DEFAULT_RETENTION_DAYS } from './store-tables.js';
import { writeStoreRow } from './store-writer.js';
import { ParleyError } from '../runtime/errors.js';
import { liveRow } from './retention-move.js';

/** What a winner draw is asked for. */
export interface DrawRequest {
  readonly workspaceId: string;
  readonly flowId: string;
  /** One giveaway step; without it, every giveaway step of the flow is one pool. */
  readonly stepId?: string;
  /** How many winners to draw (fewer when fewer participants are eligible). */
  readonly count: number;
  readonly now: Date;
  /** The API key that ran the draw. */
  readonly drawnBy: string;
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
}

/** A recorded draw: counts and who ran it, never personal data. */
export interface GiveawayDrawRecord {
  readonly id: string;
  readonly flowId: string;
  readonly stepId: string | null;
  readonly drawnAt: Date;
  readonly drawnByKeyId: string | null;
  readonly requested: number;
  readonly drawn: number;
  readonly participantsCount: number;
  readonly algorithm: string;
  /** SHA-256 of the sorted subject hashes of the eligible pool, so a draw's pool can be audited. */
  readonly poolDigest: string;
}

/** Source of uniform integers in [0, max): `node:crypto` randomInt in production. */
export type RandomInt = (max: number) => number;

export const DRAW_ALGORITHM = 'fisher-yates/node:crypto.randomInt/one-chance-per-participant';
export const MAX_WINNERS_PER_DRAW = 10_000;
const GIVEAWAY_MODULE = 'giveaway';
const DRAW_SOURCE = 'giveaway-draw';

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

interface Candidate {
  readonly id: string;
  readonly subject_hash: Buffer;
  readonly participant_ref: string | null;
  readonly session_id: string | null;
}

/**
 * Draws giveaway winners among a flow's live participations: one chance per participant
 * (distinct subject hash, however many entries they made), participants already drawn by an
 * earlier draw of the same giveaway excluded, chosen uniformly with a cryptographic RNG.
 * Writes one `winners` row per winner (the email re-encrypted, `data.source = 'giveaway-draw'`)
 * and records the draw in `giveaway_draws`, all in one transaction; draws of one flow are
 * serialized with an advisory lock so two concurrent draws never pick the same person.
 *
 * @example await drawGiveawayWinners(storage, { workspaceId, flowId, stepId: 'draw', count: 3, now, drawnBy: key.id })
 */
export async function drawGiveawayWinners(ctx: StoreContext, request: DrawRequest, random: RandomInt = randomInt): Promise<DrawResult> {
  if (!Number.isInteger(request.count) || request.count < 1 || request.count > MAX_WINNERS_PER_DRAW) {
    throw new ParleyError('validation_failed', `count must be a whole number from 1 to ${MAX_WINNERS_PER_DRAW}`, { path: '/count' });
  }
  return inTransaction(ctx, async (trx) => {
    const { workspaceId, flowId, now } = request;
    const stepId = request.stepId ?? null;
    const flow = await sql<{ storage_enabled: boolean }>`
      select w.storage_enabled from flows f join workspaces w on w.id = f.workspace_id
      where f.id = ${flowId} and f.workspace_id = ${workspaceId}`.execute(trx.db);
    if (!flow.rows[0]) throw new ParleyError('not_found', 'No such flow');
    if (!flow.rows[0].storage_enabled) throw new ParleyError('storage_disabled', 'Storage is switched off for this workspace');
    await sql`select pg_advisory_xact_lock(hashtextextended(${`giveaway-draw:${workspaceId}:${flowId}`}, 0))`.execute(trx.db);

    const candidates = await eligibleParticipants(trx.db, request, stepId);
    const drawId = uuidv7();
    const winners: DrawnWinner[] = [];
    for (const index of sampleIndexes(candidates.length, request.count, random)) {
      const winner = candidates[index]!;
      const email = await participantEmail(trx, workspaceId, winner.id);
      const written = await writeStoreRow(trx, workspaceId, {
        table: 'winners',
        moduleId: GIVEAWAY_MODULE,
        defaultRetentionDays: TABLE_DEFAULT_RETENTION_DAYS.winners,
        flowId,
        stepId,
        sessionId: winner.session_id,
        participantRef: winner.participant_ref,
        data: { source: DRAW_SOURCE, drawId, rank: winners.length + 1 },
        personal: email ? { email } : null,
        subject: email,
      });
      if (!written.stored) throw new ParleyError('storage_disabled', 'Storage is switched off for this workspace');
      winners.push({ rowId: written.id, participantRef: winner.participant_ref });
    }

    const digest = createHash('sha256');
    for (const candidate of candidates) digest.update(candidate.subject_hash);
    await sql`
      insert into giveaway_draws (id, workspace_id, flow_id, step_id, drawn_at, drawn_by_key_id, requested, drawn, participants_count, algorithm, pool_digest)
      values (${drawId}, ${workspaceId}, ${flowId}, ${stepId}, ${now}, ${request.drawnBy}, ${request.count}, ${winners.length},
        ${candidates.length}, ${DRAW_ALGORITHM}, ${digest.digest('hex')})`.execute(trx.db);
    return { drawId, winners, participants: candidates.length };
  });
}

/**
 * One row per eligible participant (their first live entry), sorted by subject hash. A step
 * draw excludes winners of that step and of flow-wide draws; a flow-wide draw excludes every
 * earlier draw winner of the flow.
 */
async function eligibleParticipants(db: Db, request: DrawRequest, stepId: string | null): Promise<Candidate[]> {
  const { workspaceId, flowId, now } = request;
  const result = await sql<Candidate>`
    select distinct on (p.subject_hash) p.id, p.subject_hash, p.participant_ref, p.session_id
    from store_participations p
    where p.workspace_id = ${workspaceId} and p.flow_id = ${flowId} and p.module_id = ${GIVEAWAY_MODULE}
      and p.subject_hash is not null and ${liveRow('participations', now, 'p')}
      ${stepId === null ? sql`` : sql`and p.step_id = ${stepId}`}
      and not exists (
        select 1 from store_winners w
        where w.workspace_id = ${workspaceId} and w.flow_id = ${flowId} and w.module_id = ${GIVEAWAY_MODULE}
          and w.subject_hash = p.subject_hash and w.data->>'source' = ${DRAW_SOURCE} and ${liveRow('winners', now, 'w')}
          ${stepId === null ? sql`` : sql`and (w.step_id is null or w.step_id = ${stepId})`})
    order by p.subject_hash, p.created_at, p.id`.execute(db);
  return result.rows;
}

/** The email a participation row holds (decrypted), or null when it has none. */
async function participantEmail(ctx: StoreContext, workspaceId: string, rowId: string): Promise<string | null> {
  const row = await sql<{ personal: Buffer | null }>`select personal from store_participations where id = ${rowId}`.execute(ctx.db);
  const sealed = row.rows[0]?.personal;
  if (!sealed) return null;
  const personal = await ctx.keyring.decryptJson<Record<string, unknown>>(workspaceId, sealed);
  return typeof personal.email === 'string' ? personal.email : null;
}

/** The draws of a flow, newest first. */
export async function listGiveawayDraws(db: Db, workspaceId: string, flowId: string): Promise<GiveawayDrawRecord[]> {
  const result = await sql<{
    id: string; flow_id: string; step_id: string | null; drawn_at: Date; drawn_by_key_id: string | null;
    requested: number; drawn: number; participants_count: number; algorithm: string; pool_digest: string;
  }>`
    select * from giveaway_draws where workspace_id = ${workspaceId} and flow_id = ${flowId}
    order by drawn_at desc, id desc`.execute(db);
  return result.rows.map((r) => ({
    id: r.id,
    flowId: r.flow_id,
    stepId: r.step_id,
    drawnAt: r.drawn_at,
    drawnByKeyId: r.drawn_by_key_id,
    requested: r.requested,
    drawn: r.drawn,
    participantsCount: r.participants_count,
    algorithm: r.algorithm,
    poolDigest: r.pool_digest,
  }));
}
