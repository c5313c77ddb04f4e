import { sql } from 'kysely';
import type { Db } from './database.js';
import { DRAW_SOURCE, eligiblePool } from './giveaway-draw-pool.js';
import { getGiveawayDraw, type GiveawayDrawRecord } from './giveaway-draw-records.js';
import { sampleIndexes } from './giveaway-draw-repository.js';
import { poolDigest, seedCommitment, seededRandomInt } from './giveaway-draw-seed.js';

/** One check of a replay: passed, failed (the record does not hold together), or not possible any more. */
export type ReplayCheck = 'ok' | 'failed' | 'unavailable';

export interface DrawReplay {
  readonly draw: GiveawayDrawRecord;
  /** True only when every check passed. */
  readonly matches: boolean;
  readonly checks: {
    /** The recorded seed hashes to the commitment, committed no later than the draw. */
    readonly commitment: ReplayCheck;
    /** Seed + pool digest + pool size recompute exactly the recorded winner positions. */
    readonly selection: ReplayCheck;
    /** The pool rebuilt from the stored rows as of the draw has the recorded digest and size ('unavailable' once they expired or were erased). */
    readonly pool: ReplayCheck;
    /** The winners rows of the draw are the pool's participants at the recomputed positions, in rank order. */
    readonly winners: ReplayCheck;
  };
  /** The positions the seed gives, in rank order (null without a seed). */
  readonly recomputedPositions: readonly number[] | null;
}

/**
 * Replays a recorded draw from what it stored and says whether it matches.
 *
 * @example const replay = await replayGiveawayDraw(db, { workspaceId, flowId, moduleId }, drawId); replay?.matches
 */
export async function replayGiveawayDraw(db: Db, scope: { readonly workspaceId: string; readonly flowId: string; readonly moduleId: string }, drawId: string): Promise<DrawReplay | undefined> {
  const { workspaceId, flowId, moduleId } = scope;
  const draw = await getGiveawayDraw(db, workspaceId, flowId, drawId);
  if (!draw) return undefined;
  const { seed } = draw;
  const commitment: ReplayCheck = !seed || !draw.seedCommitment || !draw.seedCommittedAt
    ? 'unavailable'
    : seedCommitment(seed) === draw.seedCommitment && draw.seedCommittedAt <= draw.drawnAt ? 'ok' : 'failed';
  const recomputed = seed ? sampleIndexes(draw.participantsCount, draw.requested, seededRandomInt(seed, draw.poolDigest)) : null;
  const selection: ReplayCheck = !recomputed || !draw.winnerPositions
    ? 'unavailable'
    : sameList(recomputed, draw.winnerPositions) && recomputed.length === draw.drawn ? 'ok' : 'failed';

  const pool = await eligiblePool(db, { workspaceId, flowId, moduleId, stepId: draw.stepId, now: draw.drawnAt }, draw.id);
  const poolCheck: ReplayCheck = pool.length === draw.participantsCount && poolDigest(pool.map((p) => p.subject_hash)) === draw.poolDigest ? 'ok' : 'unavailable';
  let winners: ReplayCheck = 'unavailable';
  if (poolCheck === 'ok' && recomputed) {
    const expected = recomputed.map((position) => pool[position]!.subject_hash.toString('hex'));
    const actual = await winnerHashes(db, scope, draw.id);
    winners = sameList(expected, actual) ? 'ok' : 'failed';
  }
  const checks = { commitment, selection, pool: poolCheck, winners };
  return { draw, matches: Object.values(checks).every((check) => check === 'ok'), checks, recomputedPositions: recomputed };
}

/** The subject hashes (hex) of a draw's winners rows, in rank order. */
async function winnerHashes(db: Db, { workspaceId, flowId, moduleId }: { workspaceId: string; flowId: string; moduleId: string }, drawId: string): Promise<string[]> {
  const rows = await sql<{ subject_hash: Buffer | null }>`
    select subject_hash from store_winners
    where workspace_id = ${workspaceId} and flow_id = ${flowId} and module_id = ${moduleId}
      and data->>'source' = ${DRAW_SOURCE} and data->>'drawId' = ${drawId}
    order by (data->>'rank')::integer, id`.execute(db);
  return rows.rows.map((r) => r.subject_hash?.toString('hex') ?? '');
}

function sameList<T>(a: readonly T[], b: readonly T[]): boolean {
  return a.length === b.length && a.every((value, i) => value === b[i]);
}
