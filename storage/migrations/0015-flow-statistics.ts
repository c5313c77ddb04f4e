import { sql, type Kysely } from 'kysely';

/**
 * Flow statistics, counted off the chat turn's path and kept after personal rows expire.
 *
 * - `chat_sessions.steps_seen`: the steps a session was shown, in first-shown order, written by
 *   the turn's own session write (no statement of its own).
 * - `chat_sessions_flow_updated (flow_id, updated_at)` replaces `chat_sessions_flow (flow_id)`:
 *   it serves every lookup by flow as before and finds the sessions a turn changed since the
 *   last rollup, for the same index upkeep per turn.
 * - `flow_stats_daily`: non-personal counts per flow, day (in the workspace's time zone) and
 *   step (`''` for the flow as a whole); sessions count on the day they started.
 * - `flow_stats_sessions`: what each live session contributes to those counts as of the last
 *   rollup, so a rollup adds only what changed (it goes with its session).
 * - `flow_stats_rollups`: how far the rollup has got (one row): sessions updated before
 *   `sessions_since` are counted, store rows created before `rows_until` are counted.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table chat_sessions add column steps_seen text[] not null default '{}'`.execute(db);
  await sql`create index chat_sessions_flow_updated on chat_sessions (flow_id, updated_at)`.execute(db);
  await sql`drop index chat_sessions_flow`.execute(db);
  await sql`
    create table flow_stats_daily (
      flow_id uuid not null references flows (id) on delete cascade,
      day date not null,
      step_id text not null,
      starts integer not null default 0,
      completions integer not null default 0,
      reached integer not null default 0,
      left_here integer not null default 0,
      instant_win_wins integer not null default 0,
      giveaway_entries integer not null default 0,
      primary key (flow_id, day, step_id)
    )`.execute(db);
  await sql`
    create table flow_stats_sessions (
      session_id uuid primary key references chat_sessions (id) on delete cascade,
      day date not null,
      seq integer not null,
      left_step text,
      done boolean not null,
      steps_counted integer not null
    )`.execute(db);
  await sql`
    create table flow_stats_rollups (
      id boolean primary key default true check (id),
      sessions_since timestamptz not null,
      rows_until timestamptz not null
    )`.execute(db);
  await sql`insert into flow_stats_rollups (sessions_since, rows_until) values ('1970-01-01T00:00:00Z', '1970-01-01T00:00:00Z')`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table flow_stats_rollups`.execute(db);
  await sql`drop table flow_stats_sessions`.execute(db);
  await sql`drop table flow_stats_daily`.execute(db);
  await sql`create index chat_sessions_flow on chat_sessions (flow_id)`.execute(db);
  await sql`drop index chat_sessions_flow_updated`.execute(db);
  await sql`alter table chat_sessions drop column steps_seen`.execute(db);
}
