import { sql } from 'kysely';
import type { Db } from './database.js';

/** A recorded draw: counts, who ran it and what makes it verifiable, never personal data. */
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
  /** The seed the draw used (revealed), null for draws recorded before seeds were. */
  readonly seed: Buffer | null;
  /** SHA-256 (hex) of the seed, published from `seedCommittedAt` on. */
  readonly seedCommitment: string | null;
  readonly seedCommittedAt: Date | null;
  /** Positions in the sorted pool the winners were picked at, in rank order. */
  readonly winnerPositions: readonly number[] | null;
}

interface DrawRow {
  id: string; flow_id: string; step_id: string | null; drawn_at: Date; drawn_by_key_id: string | null;
  requested: number; drawn: number; participants_count: number; algorithm: string; pool_digest: string;
  seed: Buffer | null; seed_commitment: string | null; seed_committed_at: Date | null; winner_positions: number[] | null;
}

const COLUMNS = sql`id, flow_id, step_id, drawn_at, drawn_by_key_id, requested, drawn, participants_count, algorithm, pool_digest,
  seed, seed_commitment, seed_committed_at, winner_positions`;

function toRecord(r: DrawRow): GiveawayDrawRecord {
  return {
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
    seed: r.seed,
    seedCommitment: r.seed_commitment,
    seedCommittedAt: r.seed_committed_at,
    winnerPositions: r.winner_positions,
  };
}

/** The draws of a flow, newest first. */
export async function listGiveawayDraws(db: Db, workspaceId: string, flowId: string): Promise<GiveawayDrawRecord[]> {
  const result = await sql<DrawRow>`
    select ${COLUMNS} from giveaway_draws where workspace_id = ${workspaceId} and flow_id = ${flowId}
    order by drawn_at desc, id desc`.execute(db);
  return result.rows.map(toRecord);
}

/** One draw of a flow, or undefined. */
export async function getGiveawayDraw(db: Db, workspaceId: string, flowId: string, drawId: string): Promise<GiveawayDrawRecord | undefined> {
  const result = await sql<DrawRow>`
    select ${COLUMNS} from giveaway_draws where workspace_id = ${workspaceId} and flow_id = ${flowId} and id = ${drawId}`.execute(db);
  return result.rows[0] && toRecord(result.rows[0]);
}
