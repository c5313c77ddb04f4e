import { sql, type Kysely } from 'kysely';

/**
 * Code pools (access-code lists and codes handed out to participants) and the record of
 * giveaway winner draws. Neither table holds personal data: codes are not personal, a pool
 * entry names the session that used it, and a draw records counts and who ran it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table code_pool_entries (
      id bigint generated always as identity primary key,
      workspace_id uuid not null references workspaces (id) on delete cascade,
      flow_id uuid not null references flows (id) on delete cascade,
      step_id text not null,
      code text not null check (char_length(code) between 1 and 64),
      assigned_session_id uuid,
      assigned_at timestamptz,
      created_at timestamptz not null
    )`.execute(db);
  await sql`create unique index code_pool_entries_code on code_pool_entries (flow_id, step_id, lower(code))`.execute(db);
  await sql`create index code_pool_entries_free on code_pool_entries (flow_id, step_id, id) where assigned_session_id is null`.execute(db);
  await sql`create index code_pool_entries_session on code_pool_entries (assigned_session_id) where assigned_session_id is not null`.execute(db);

  await sql`
    create table giveaway_draws (
      id uuid primary key,
      workspace_id uuid not null references workspaces (id) on delete cascade,
      flow_id uuid not null references flows (id) on delete cascade,
      step_id text,
      drawn_at timestamptz not null,
      drawn_by_key_id uuid references api_keys (id) on delete set null,
      requested integer not null check (requested > 0),
      drawn integer not null check (drawn >= 0),
      participants_count integer not null check (participants_count >= 0),
      algorithm text not null,
      pool_digest text not null
    )`.execute(db);
  await sql`create index giveaway_draws_flow on giveaway_draws (workspace_id, flow_id, drawn_at)`.execute(db);
}
