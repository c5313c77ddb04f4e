import { sql } from 'kysely';
import type { Db } from './database.js';
import { COUNT_COLUMNS, rowDeltaCte, rowStatisticCounts, sessionDeltaCtes, type RowStatisticSource } from './flow-stats-sql.js';
import type { RowStatisticCounts } from '../core/module-contract.js';

/** The counts of one flow, day and step (`stepId` `''`: the flow as a whole); the row statistics count on the flow's. */
export interface FlowStatsCounts extends RowStatisticCounts {
  /** `YYYY-MM-DD` in the workspace's time zone. */
  readonly day: string;
  readonly stepId: string;
  readonly starts: number;
  readonly completions: number;
  readonly reached: number;
  readonly leftHere: number;
  /** Sessions shown the step that completed the flow. */
  readonly completed: number;
}

export interface FlowStatsQuery {
  readonly workspaceId: string;
  readonly flowId: string;
  /** First and last day, inclusive, `YYYY-MM-DD` in the workspace's time zone. */
  readonly from: string;
  readonly to: string;
  readonly sources: readonly RowStatisticSource[];
}

type CountsRow = { day: string; step_id: string } & Record<(typeof COUNT_COLUMNS)[number], number>;

/**
 * A flow's counts per day and step over a range of days: what the rollup kept plus what it has
 * not counted yet (sessions changed since, rows written since), in one statement, so a rollup
 * committing meanwhile is seen either wholly or not at all. Exact at any moment.
 */
export async function readFlowStats(db: Db, query: FlowStatsQuery): Promise<FlowStatsCounts[]> {
  const scope = { workspaceId: query.workspaceId, flowId: query.flowId };
  const columns = sql.raw(COUNT_COLUMNS.join(', '));
  const sums = sql.join(COUNT_COLUMNS.map((c) => sql`sum(${sql.id(c)})::int as ${sql.id(c)}`));
  const inRange = sql`day between ${query.from}::date and ${query.to}::date`;
  const result = await sql<CountsRow>`
    with ${sessionDeltaCtes(scope)},
    ${rowDeltaCte(query.sources, scope, sql`(select rows_until from flow_stats_rollups)`, null)}
    select day::text as day, step_id, ${sums} from (
      select day, step_id, ${columns} from flow_stats_daily where flow_id = ${query.flowId} and ${inRange}
      union all select day, step_id, ${columns} from session_deltas where ${inRange}
      union all select day, step_id, ${columns} from row_deltas where ${inRange}
    ) c
    group by day, step_id
    order by day, step_id`.execute(db);
  return result.rows.map((r) => ({
    day: r.day,
    stepId: r.step_id,
    starts: r.starts,
    completions: r.completions,
    reached: r.reached,
    leftHere: r.left_here,
    completed: r.completed,
    ...rowStatisticCounts(r),
  }));
}

/** The module of every step id the flow's saved versions had (as its newest version had it): for counted steps a later save removed. */
export async function stepModulesOfVersions(db: Db, flowId: string): Promise<ReadonlyMap<string, string>> {
  const result = await sql<{ step_id: string; module: string }>`
    select distinct on (step ->> 'id') step ->> 'id' as step_id, step ->> 'module' as module
    from flow_versions v cross join lateral jsonb_array_elements(v.definition -> 'steps') as step
    where v.flow_id = ${flowId}
    order by step ->> 'id', v.version desc`.execute(db);
  return new Map(result.rows.map((r) => [r.step_id, r.module]));
}
