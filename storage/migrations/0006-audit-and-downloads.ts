import { sql, type Kysely } from 'kysely';

/** The audit trail of owner actions, and one-time encrypted download links. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table audit_log (
      id bigserial primary key,
      workspace_id uuid not null references workspaces (id) on delete cascade,
      key_id uuid,
      action text not null,
      target text,
      counts jsonb not null default '{}',
      at timestamptz not null
    )`.execute(db);
  await sql`create index audit_log_workspace on audit_log (workspace_id, at desc, id desc)`.execute(db);

  await sql`
    create table downloads (
      id uuid primary key,
      workspace_id uuid not null references workspaces (id) on delete cascade,
      table_name text not null,
      token_hash bytea not null unique,
      password_sealed bytea,
      created_by_key uuid,
      created_at timestamptz not null,
      expires_at timestamptz not null,
      redeemed_at timestamptz
    )`.execute(db);
  await sql`create index downloads_expires on downloads (expires_at, id)`.execute(db);
}
