import { sql, type Kysely } from 'kysely';

/**
 * Flow statistics count, for each step, the sessions shown it that completed the flow: a
 * variant's or a branch's completion rate (an A/B split's result). One more count column of
 * `flow_stats_daily`, filled for the sessions still kept from what the last rollup counted of
 * them (the steps it counted, completed when it counted them done); sessions already swept
 * away are not known any more, so days before this migration may count fewer.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table flow_stats_daily add column completed integer not null default 0`.execute(db);
  await sql`
    update flow_stats_daily d set completed = c.sessions
    from (
      select s.flow_id, m.day, t.step, count(*)::int as sessions
      from flow_stats_sessions m
        join chat_sessions s on s.id = m.session_id
        cross join lateral unnest(s.steps_seen[1:m.steps_counted]) as t (step)
      where m.done
      group by s.flow_id, m.day, t.step
    ) c
    where d.flow_id = c.flow_id and d.day = c.day and d.step_id = c.step`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table flow_stats_daily drop column completed`.execute(db);
}
