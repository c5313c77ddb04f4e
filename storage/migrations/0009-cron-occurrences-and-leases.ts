import { sql, type Kysely } from 'kysely';

/**
 * Cron occurrences are claimed once (a duplicate or late fire of the same occurrence is a
 * no-op), sweep runs record the occurrence they serve, export runs carry the token of the
 * worker holding their lease and the participant window they export.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table cron_occurrences (
      job_name text not null,
      occurrence_at timestamptz not null,
      claimed_at timestamptz not null default now(),
      primary key (job_name, occurrence_at)
    )`.execute(db);
  await sql`alter table sweep_runs add column occurrence_at timestamptz`.execute(db);
  await sql`create unique index sweep_runs_occurrence on sweep_runs (occurrence_at, table_name) where occurrence_at is not null`.execute(db);
  await sql`alter table export_runs add column lease_token uuid`.execute(db);
  await sql`alter table export_runs add column selection jsonb`.execute(db);
  await sql`create index export_runs_queued on export_runs (queued_at) where status = 'queued'`.execute(db);
}
