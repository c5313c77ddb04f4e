import { sql, type Kysely } from 'kysely';

/**
 * The Loyalty table (`store_loyalty`): the stamps of a loyalty card step, one row per stamp.
 * Made like every store table after 0011, 0012 and 0016: range-partitioned on `expires_at`,
 * primary key `(id, expires_at)`, the indexes of the others (the session index of the tables an
 * export reads as related rows) and a default partition as a safety net; the sweeper creates
 * the day partitions ahead, as it does for every table.
 *
 * Frozen: written out as the table was at 0026.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table store_loyalty (
      id uuid not null,
      workspace_id uuid not null references workspaces (id) on delete cascade,
      flow_id uuid,
      session_id uuid,
      participant_ref text,
      subject_hash bytea,
      module_id text not null,
      step_id text,
      default_retention_days integer not null check (default_retention_days > 0),
      created_at timestamptz not null,
      expires_at timestamptz not null,
      data jsonb not null default '{}',
      personal bytea,
      preview boolean not null default false,
      constraint store_loyalty_pkey primary key (id, expires_at)
    ) partition by range (expires_at)`.execute(db);
  await sql`create index store_loyalty_expires on store_loyalty (expires_at, id)`.execute(db);
  await sql`create index store_loyalty_page on store_loyalty (workspace_id, created_at, id)`.execute(db);
  await sql`create index store_loyalty_subject on store_loyalty (workspace_id, subject_hash) where subject_hash is not null`.execute(db);
  await sql`create index store_loyalty_flow on store_loyalty (workspace_id, flow_id, created_at)`.execute(db);
  await sql`create index store_loyalty_session on store_loyalty (workspace_id, session_id) where session_id is not null`.execute(db);
  await sql`create table store_loyalty_default partition of store_loyalty default`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table store_loyalty`.execute(db);
}
