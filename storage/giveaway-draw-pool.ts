import { sql } from 'kysely';
import type { Db } from './database.js';
import { liveRow } from './retention-move.js';

/** One eligible participant: their first live entry. */
export interface PoolEntry {
  readonly id: string;
  readonly subject_hash: Buffer;
  readonly participant_ref: string | null;
  readonly session_id: string | null;
}

export interface PoolScope {
  readonly workspaceId: string;
  readonly flowId: string;
  /** The module whose entries are drawn from (its participations rows) and whose winners rows the draw writes. */
  readonly moduleId: string;
  /** One giveaway step; null: every giveaway step of the flow. */
  readonly stepId: string | null;
  readonly now: Date;
}
export const DRAW_SOURCE = 'giveaway-draw';

/**
 * The eligible pool of a draw, one row per participant (distinct subject hash), sorted by subject
 * hash bytewise. A step draw excludes winners of that step and of flow-wide draws; a flow-wide
 * draw excludes every earlier draw winner of the flow. Entries of console preview sessions are never drawn.
 *
 * The entries made until `now` (the draw's instant) count, and those made after it do not, even
 * when they were committed before the draw read the pool (a turn stamped a millisecond after the
 * draw's instant): the replay (`asOfDraw`) rebuilds the pool by the same bound, from the stored
 * rows, with the winners of the draws before that one, as long as those rows are still kept. A
 * new draw (without `asOfDraw`) excludes every earlier winner.
 */
export async function eligiblePool(db: Db, scope: PoolScope, asOfDraw?: string): Promise<PoolEntry[]> {
  const { workspaceId, flowId, moduleId, stepId, now } = scope;
  const result = await sql<PoolEntry>`
    select distinct on (p.subject_hash) p.id, p.subject_hash, p.participant_ref, p.session_id
    from store_participations p
    where p.workspace_id = ${workspaceId} and p.flow_id = ${flowId} and p.module_id = ${moduleId}
      and p.subject_hash is not null and not p.preview and ${liveRow('participations', now, 'p')}
      ${stepId === null ? sql`` : sql`and p.step_id = ${stepId}`}
      and p.created_at <= ${now}
      and not exists (
        select 1 from store_winners w
        where w.workspace_id = ${workspaceId} and w.flow_id = ${flowId} and w.module_id = ${moduleId}
          and w.subject_hash = p.subject_hash and w.data->>'source' = ${DRAW_SOURCE} and ${liveRow('winners', now, 'w')}
          ${stepId === null ? sql`` : sql`and (w.step_id is null or w.step_id = ${stepId})`}
          ${asOfDraw === undefined ? sql`` : sql`and exists (
            select 1 from giveaway_draws d
            where d.flow_id = ${flowId} and d.id::text = w.data->>'drawId' and (d.drawn_at, d.id) < (${now}, ${asOfDraw}::uuid))`})
    order by p.subject_hash, p.created_at, p.id`.execute(db);
  return result.rows;
}
