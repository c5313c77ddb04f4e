import { sql, type Kysely } from 'kysely';

/**
 * Instant-win draws: one draw per (flow, step) with its committed prize plan, the winning
 * moments (moments mode) and the remaining stock (odds mode). Nothing here is personal: a
 * claimed moment names the session that claimed it, never the participant. Rows live as long
 * as their flow (deleted with it); participations and winners are store rows that expire.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table instant_win_draws (
      workspace_id uuid not null references workspaces (id) on delete cascade,
      flow_id uuid not null references flows (id) on delete cascade,
      step_id text not null,
      mode text not null check (mode in ('moments', 'odds')),
      prizes jsonb not null,
      commitment text check (commitment ~ '^[0-9a-f]{64}$'),
      salt text,
      last_moment timestamptz,
      committed_at timestamptz not null,
      revealed_at timestamptz,
      primary key (flow_id, step_id),
      check ((mode = 'moments') = (commitment is not null and salt is not null))
    )`.execute(db);
  await sql`create index instant_win_draws_workspace on instant_win_draws (workspace_id, flow_id)`.execute(db);

  await sql`
    create table instant_win_moments (
      id bigint generated always as identity,
      flow_id uuid not null,
      step_id text not null,
      prize_id text not null,
      moment timestamptz not null,
      claimed_by_session uuid,
      claimed_at timestamptz,
      primary key (flow_id, step_id, id),
      foreign key (flow_id, step_id) references instant_win_draws (flow_id, step_id) on delete cascade,
      check ((claimed_at is null) = (claimed_by_session is null))
    )`.execute(db);
  // The claim walks this partial index from its earliest entry: claimed moments leave it.
  await sql`create index instant_win_moments_unclaimed on instant_win_moments (flow_id, step_id, moment, id) where claimed_at is null`.execute(db);

  await sql`
    create table instant_win_stock (
      flow_id uuid not null,
      step_id text not null,
      prize_id text not null,
      stock integer not null check (stock > 0),
      remaining integer not null check (remaining >= 0 and remaining <= stock),
      primary key (flow_id, step_id, prize_id),
      foreign key (flow_id, step_id) references instant_win_draws (flow_id, step_id) on delete cascade
    )`.execute(db);
}
