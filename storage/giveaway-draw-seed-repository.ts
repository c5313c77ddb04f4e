import { sql } from 'kysely';
import type { Db } from './database.js';
import { newDrawSeed, seedCommitment } from './giveaway-draw-seed.js';

/** A seed committed for the next draw of one giveaway scope; the seed itself stays secret until used. */
export interface DrawCommitment {
  /** The giveaway step the next draw of which it is for; null: the next flow-wide draw. */
  readonly stepId: string | null;
  /** SHA-256 (hex) of the seed. */
  readonly commitment: string;
  readonly committedAt: Date;
}

/** A committed seed, taken for the draw that uses it. */
export interface TakenSeed extends DrawCommitment {
  readonly seed: Buffer;
}

/** Flow-wide draws are stored under this scope; a step draw under its step id. */
const FLOW_SCOPE = '';

const scopeOf = (stepId: string | null): string => stepId ?? FLOW_SCOPE;

/**
 * Commits a fresh secret seed for the next draw of `stepId` (null: flow-wide) unless one is
 * already committed; returns the commitment in force and whether this call made it.
 */
export async function commitDrawSeed(
  db: Db,
  target: { readonly workspaceId: string; readonly flowId: string; readonly stepId: string | null; readonly now: Date },
): Promise<DrawCommitment & { readonly created: boolean }> {
  const seed = newDrawSeed();
  const inserted = await sql<{ commitment: string; committed_at: Date }>`
    insert into giveaway_draw_seeds (workspace_id, flow_id, scope, seed, commitment, committed_at)
    values (${target.workspaceId}, ${target.flowId}, ${scopeOf(target.stepId)}, ${seed}, ${seedCommitment(seed)}, ${target.now})
    on conflict (flow_id, scope) do nothing
    returning commitment, committed_at`.execute(db);
  const row = inserted.rows[0] ?? (await sql<{ commitment: string; committed_at: Date }>`
    select commitment, committed_at from giveaway_draw_seeds where flow_id = ${target.flowId} and scope = ${scopeOf(target.stepId)}`.execute(db)).rows[0]!;
  return { stepId: target.stepId, commitment: row.commitment, committedAt: row.committed_at, created: inserted.rows.length > 0 };
}

/** Takes (removes) the seed committed for the next draw of this scope, if any. */
export async function takeDrawSeed(db: Db, flowId: string, stepId: string | null): Promise<TakenSeed | undefined> {
  const taken = await sql<{ seed: Buffer; commitment: string; committed_at: Date }>`
    delete from giveaway_draw_seeds where flow_id = ${flowId} and scope = ${scopeOf(stepId)}
    returning seed, commitment, committed_at`.execute(db);
  const row = taken.rows[0];
  return row && { stepId, seed: row.seed, commitment: row.commitment, committedAt: row.committed_at };
}

/** The commitments published for a flow's next draws (flow-wide first, then by step id). */
export async function listDrawCommitments(db: Db, workspaceId: string, flowId: string): Promise<DrawCommitment[]> {
  const result = await sql<{ scope: string; commitment: string; committed_at: Date }>`
    select scope, commitment, committed_at from giveaway_draw_seeds
    where workspace_id = ${workspaceId} and flow_id = ${flowId} order by scope`.execute(db);
  return result.rows.map((r) => ({ stepId: r.scope === FLOW_SCOPE ? null : r.scope, commitment: r.commitment, committedAt: r.committed_at }));
}
