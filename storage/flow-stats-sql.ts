import { sql, type RawBuilder } from 'kysely';
import { physicalTable, type StoreTable } from '../core/store-tables.js';
import { ROW_STATISTICS, type RowStatistic, type RowStatisticCounts } from '../core/module-contract.js';

/**
 * The SQL of flow statistics, as pure functions shared by the rollup (which adds what changed
 * to `flow_stats_daily`) and the read (which adds what the rollup has not counted yet to what
 * it has), so both count the same way.
 *
 * A session counts on the day it started, in its workspace's time zone: one start; one
 * completion once done; one "reached" for each step it was shown (`steps_seen`), and one
 * "completed" there too once done; one "left here" at its current step while it is not done. `flow_stats_sessions` remembers what each
 * session contributed at the last rollup, so a change is counted as the difference between
 * then and now. Store rows named by modules' `statistics` count once each, on the day they
 * were written. Console previews count nowhere.
 */

/** Rows of `table` written by `moduleId` count towards `statistic` (with `whenTrue`, those whose `data[whenTrue]` is true). */
export interface RowStatisticSource {
  readonly statistic: RowStatistic;
  readonly table: StoreTable;
  readonly moduleId: string;
  readonly whenTrue?: string;
}

/** The flows a statement covers: one flow (a read) or every flow (the rollup). */
export type FlowScope = { readonly workspaceId: string; readonly flowId: string } | 'all';

/** The count columns of `flow_stats_daily` counted from sessions, in order. */
const SESSION_COLUMNS = ['starts', 'completions', 'reached', 'left_here', 'completed'] as const;

/** The count columns of `flow_stats_daily`, in order: the sessions', then the store rows'. */
export const COUNT_COLUMNS = [...SESSION_COLUMNS, 'instant_win_wins', 'giveaway_entries', 'loyalty_stamps', 'loyalty_cards', 'quizzes_completed', 'quizzes_passed', 'ratings', 'ratings_high', 'ratings_low'] as const;

/** The column of each statistic counted from store rows, in `COUNT_COLUMNS` order. */
const ROW_COLUMNS: Readonly<Record<RowStatistic, (typeof COUNT_COLUMNS)[number]>> = {
  instantWinWins: 'instant_win_wins',
  giveawayEntries: 'giveaway_entries',
  loyaltyStamps: 'loyalty_stamps',
  loyaltyCards: 'loyalty_cards',
  quizzesCompleted: 'quizzes_completed',
  quizzesPassed: 'quizzes_passed',
  ratings: 'ratings',
  ratingsHigh: 'ratings_high',
  ratingsLow: 'ratings_low',
};

/** The row statistics of a row of counts whose columns are named as in `COUNT_COLUMNS`. */
export function rowStatisticCounts(row: Readonly<Record<(typeof COUNT_COLUMNS)[number], number>>): RowStatisticCounts {
  return Object.fromEntries(ROW_STATISTICS.map((statistic) => [statistic, row[ROW_COLUMNS[statistic]]])) as RowStatisticCounts;
}

const counts = sql.raw(COUNT_COLUMNS.join(', '));

/** Zeros for the row statistics' columns, after a session delta's counts. */
const NO_ROWS = sql.raw(Object.values(ROW_COLUMNS).map(() => '0').join(', '));

/** Zeros for the sessions' columns, before a row delta's counts. */
const NO_SESSIONS = sql.raw(SESSION_COLUMNS.map(() => '0').join(', '));

/**
 * Sessions whose contribution changed since the last rollup, as CTE `pending`: those updated
 * since the rollup's watermark (the `(flow_id, updated_at)` index) whose remembered `seq`
 * differs. `limit` bounds a rollup batch.
 */
function pendingSessions(scope: FlowScope, limit?: number): RawBuilder<unknown> {
  const flows = scope === 'all' ? sql`s.flow_id = any(array(select id from flows))` : sql`s.flow_id = ${scope.flowId}`;
  return sql`pending as (
    select s.id, s.flow_id, s.seq, s.status = 'done' as done, case when s.status = 'active' then s.step_id end as left_step, s.steps_seen,
      coalesce(m.day, (s.started_at at time zone w.time_zone)::date) as day,
      m.session_id is null as fresh, coalesce(m.done, false) as was_done, m.left_step as was_step, coalesce(m.steps_counted, 0) as counted
    from chat_sessions s
      join workspaces w on w.id = s.workspace_id
      left join flow_stats_sessions m on m.session_id = s.id
    where ${flows} and s.updated_at >= (select sessions_since from flow_stats_rollups) and not s.preview
      and (m.session_id is null or m.seq <> s.seq)
    ${limit === undefined ? sql`` : sql`limit ${limit}`})`;
}

/**
 * CTE `session_deltas` over `pending`: what each changed session adds (or takes back), per day and
 * step. A completed session counts `completed` at every step it was shown: the steps counted
 * before by how its completion changed since, the steps new since by whether it is done now.
 */
const SESSION_DELTAS = sql`session_deltas (flow_id, day, step_id, ${counts}) as (
    select flow_id, day, '', fresh::int, done::int - was_done::int, 0, 0, 0, ${NO_ROWS} from pending
    union all
    select p.flow_id, p.day, t.step, 0, 0, 1, 0, 0, ${NO_ROWS} from pending p cross join lateral unnest(p.steps_seen[p.counted + 1:]) as t (step)
    union all
    select flow_id, day, left_step, 0, 0, 0, 1, 0, ${NO_ROWS} from pending where left_step is not null
    union all
    select flow_id, day, was_step, 0, 0, 0, -1, 0, ${NO_ROWS} from pending where was_step is not null
    union all
    select p.flow_id, p.day, t.step, 0, 0, 0, 0, case when t.n <= p.counted then p.done::int - p.was_done::int else p.done::int end, ${NO_ROWS}
    from pending p cross join lateral unnest(p.steps_seen) with ordinality as t (step, n)
    where p.done or p.was_done)`;

/** The session CTEs: `pending` and `session_deltas`. */
export function sessionDeltaCtes(scope: FlowScope, limit?: number): RawBuilder<unknown> {
  return sql`${pendingSessions(scope, limit)}, ${SESSION_DELTAS}`;
}

/**
 * CTE `row_deltas`: the counted store rows written in [`from`, `to`) (`to` null: up to now),
 * per flow and day. Rows of a flow that no longer exists and rows of previews are left out.
 */
export function rowDeltaCte(sources: readonly RowStatisticSource[], scope: FlowScope, from: RawBuilder<Date>, to: RawBuilder<Date> | null): RawBuilder<unknown> {
  const where = scope === 'all'
    ? sql`workspace_id = any(array(select id from workspaces))`
    : sql`workspace_id = ${scope.workspaceId} and flow_id = ${scope.flowId}`;
  const selects = sources.map((source) => sql`
    select flow_id, workspace_id, session_id, created_at, ${sql.lit(ROW_COLUMNS[source.statistic])}::text as counted
    from ${sql.table(physicalTable(source.table))}
    where ${where} and module_id = ${source.moduleId} and flow_id is not null and created_at >= ${from} ${to ? sql`and created_at < ${to}` : sql``}
      ${source.whenTrue === undefined ? sql`` : sql`and (data -> ${source.whenTrue}) = 'true'::jsonb`}`);
  const rows = selects.length === 0 ? sql`select null::uuid as flow_id, null::uuid as workspace_id, null::uuid as session_id, null::timestamptz as created_at, null::text as counted where false` : sql.join(selects, sql` union all `);
  return sql`row_deltas (flow_id, day, step_id, ${counts}) as (
    select r.flow_id, (r.created_at at time zone w.time_zone)::date, '', ${NO_SESSIONS},
      ${sql.join(Object.values(ROW_COLUMNS).map((column) => sql`(count(*) filter (where r.counted = ${sql.lit(column)}))::int`))}
    from (${rows}) r
      join workspaces w on w.id = r.workspace_id
      join flows f on f.id = r.flow_id
    where not exists (select 1 from chat_sessions s where s.id = r.session_id and s.preview)
    group by r.flow_id, 2)`;
}

/** An insert of summed deltas (`source` has flow_id, day, step_id and the counts) that adds to the counts already kept. */
export function addToDaily(source: RawBuilder<unknown>): RawBuilder<unknown> {
  const add = sql.join(COUNT_COLUMNS.map((c) => sql`${sql.id(c)} = flow_stats_daily.${sql.id(c)} + excluded.${sql.id(c)}`));
  const sums = sql.join(COUNT_COLUMNS.map((c) => sql`sum(${sql.id(c)})`));
  return sql`insert into flow_stats_daily (flow_id, day, step_id, ${counts})
    select flow_id, day, step_id, ${sums} from (${source}) d group by flow_id, day, step_id
    on conflict (flow_id, day, step_id) do update set ${add}`;
}

/** CTE `marked`: remembers what the `pending` sessions contribute now. */
export const MARK_PENDING = sql`marked as (
    insert into flow_stats_sessions (session_id, day, seq, left_step, done, steps_counted)
    select id, day, seq, left_step, done, cardinality(steps_seen) from pending
    on conflict (session_id) do update set seq = excluded.seq, left_step = excluded.left_step, done = excluded.done, steps_counted = excluded.steps_counted
    returning session_id)`;
