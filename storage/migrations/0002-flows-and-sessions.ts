import { sql, type Kysely } from 'kysely';

/** Flows (operations) and chat sessions; sessions expire like every other row. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table flows (
      id uuid primary key,
      workspace_id uuid not null references workspaces (id) on delete cascade,
      slug text not null,
      hash_id text not null unique,
      name text not null,
      status text not null check (status in ('open', 'closed')),
      opens_at timestamptz,
      closes_at timestamptz,
      definition jsonb not null,
      version integer not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      closed_at timestamptz,
      unique (workspace_id, slug)
    )`.execute(db);

  await sql`
    create table chat_sessions (
      id uuid primary key,
      workspace_id uuid not null references workspaces (id) on delete cascade,
      flow_id uuid not null references flows (id) on delete cascade,
      resume_token_hash bytea not null unique,
      participant_ref text not null,
      step_id text,
      status text not null check (status in ('active', 'done')),
      seq integer not null default 0,
      variables jsonb not null default '{}',
      personal bytea,
      device jsonb not null default '{}',
      last_turn jsonb,
      recent_replies jsonb not null default '[]',
      started_at timestamptz not null,
      updated_at timestamptz not null,
      expires_at timestamptz not null
    )`.execute(db);
  await sql`create index chat_sessions_expires on chat_sessions (expires_at, id)`.execute(db);
  await sql`create index chat_sessions_flow on chat_sessions (flow_id)`.execute(db);
}
