import { sql, type Kysely } from 'kysely';

/**
 * The store tables this migration creates, written out: a migration is frozen data and never
 * follows the live catalogue (core/store-tables.ts), which later migrations extend.
 */
const STORE_TABLES = [
  'store_participations',
  'store_winners',
  'store_consents',
  'store_variables',
  'store_codes',
  'store_files',
  'store_instant_win_claims',
  'store_runtime_log',
] as const;

/** Workspaces, API keys, data keys, the per-table stores and the sweep log. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table workspaces (
      id uuid primary key,
      name text not null,
      time_zone text not null default 'UTC',
      storage_enabled boolean not null default true,
      allowed_origins jsonb not null default '[]',
      retention jsonb not null default '{}',
      settings jsonb not null default '{}',
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )`.execute(db);

  await sql`
    create table workspace_data_keys (
      workspace_id uuid primary key references workspaces (id) on delete cascade,
      wrapped_key bytea,
      created_at timestamptz not null default now(),
      destroyed_at timestamptz
    )`.execute(db);

  await sql`
    create table api_keys (
      id uuid primary key,
      workspace_id uuid not null references workspaces (id) on delete cascade,
      name text not null,
      key_hash bytea not null unique,
      prefix text not null,
      created_at timestamptz not null default now(),
      last_used_at timestamptz,
      revoked_at timestamptz
    )`.execute(db);
  await sql`create index api_keys_workspace on api_keys (workspace_id)`.execute(db);

  for (const table of STORE_TABLES) {
    const name = sql.table(table);
    await sql`
      create table ${name} (
        id uuid primary key,
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
        personal bytea
      )`.execute(db);
    await sql`create index ${sql.id(`${table}_expires`)} on ${name} (expires_at, id)`.execute(db);
    await sql`create index ${sql.id(`${table}_page`)} on ${name} (workspace_id, created_at, id)`.execute(db);
    await sql`create index ${sql.id(`${table}_subject`)} on ${name} (workspace_id, subject_hash) where subject_hash is not null`.execute(db);
    await sql`create index ${sql.id(`${table}_flow`)} on ${name} (workspace_id, flow_id, created_at)`.execute(db);
  }

  await sql`
    create table sweep_runs (
      id bigserial primary key,
      run_id uuid not null,
      table_name text not null,
      rows_deleted integer not null,
      batches integer not null,
      started_at timestamptz not null,
      duration_ms integer not null
    )`.execute(db);
  await sql`create index sweep_runs_started on sweep_runs (started_at)`.execute(db);
}
