import { sql, type Kysely } from 'kysely';

/** Custom export definitions and their runs. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table exports (
      id uuid primary key,
      workspace_id uuid not null references workspaces (id) on delete cascade,
      name text not null,
      definition jsonb not null,
      secrets bytea,
      version integer not null default 1,
      created_at timestamptz not null,
      updated_at timestamptz not null
    )`.execute(db);
  await sql`create index exports_workspace on exports (workspace_id, created_at)`.execute(db);

  await sql`
    create table export_runs (
      id uuid primary key,
      export_id uuid not null references exports (id) on delete cascade,
      workspace_id uuid not null references workspaces (id) on delete cascade,
      run_number integer not null,
      trigger text not null,
      occurrence_key text,
      status text not null check (status in ('queued', 'running', 'succeeded', 'failed')),
      definition_version integer not null,
      rows integer,
      progress_rows integer not null default 0,
      bytes bigint,
      sha256 text,
      file_name text,
      destination text,
      error text,
      attempts integer not null default 0,
      cutoff_at timestamptz,
      lease_until timestamptz,
      manifest_file text,
      queued_at timestamptz not null,
      started_at timestamptz,
      finished_at timestamptz,
      unique (export_id, run_number),
      unique (export_id, occurrence_key)
    )`.execute(db);
  await sql`create index export_runs_export on export_runs (export_id, run_number desc)`.execute(db);

}
