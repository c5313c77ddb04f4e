import { sql, type Kysely } from 'kysely';

/**
 * `store_subjects`: one row per data subject, flow, table, module and preview flag that the
 * lookups by subject (at-most-once entries, wins per participant) ask about, with an upper bound
 * of what the store holds for it: how many rows were written, the latest `created_at`, and an
 * `expires_at` no live row of it passes. A lookup that the ledger answers "none" never reads the
 * store tables, whose every live partition it would otherwise plan and probe. Backfilled from the
 * live rows of the two tables those lookups read.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table store_subjects (
      workspace_id uuid not null references workspaces (id) on delete cascade,
      flow_id uuid not null,
      subject_hash bytea not null,
      table_name text not null,
      module_id text not null,
      preview boolean not null,
      rows_written integer not null,
      last_created_at timestamptz not null,
      default_retention_days integer not null,
      expires_at timestamptz not null,
      primary key (workspace_id, flow_id, subject_hash, table_name, module_id, preview)
    )`.execute(db);
  await sql`create index store_subjects_expiry on store_subjects (expires_at)`.execute(db);
  for (const table of ['participations', 'winners']) {
    await sql`
      insert into store_subjects (workspace_id, flow_id, subject_hash, table_name, module_id, preview,
        rows_written, last_created_at, default_retention_days, expires_at)
      select workspace_id, flow_id, subject_hash, ${table}, module_id, preview,
        count(*), max(created_at), max(default_retention_days), max(expires_at)
      from ${sql.table(`store_${table}`)}
      where subject_hash is not null and flow_id is not null and expires_at > now()
      group by workspace_id, flow_id, subject_hash, module_id, preview`.execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table store_subjects`.execute(db);
}
