import { sql, type Kysely } from 'kysely';

/**
 * One-time download links also serve the file of an export run delivered to a local directory:
 * a link names either a table (a ZIP made on the fly) or a run (its file as delivered), never both.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table downloads alter column table_name drop not null`.execute(db);
  await sql`alter table downloads add column export_run_id uuid references export_runs (id) on delete cascade`.execute(db);
  await sql`alter table downloads add constraint downloads_one_target check ((table_name is null) <> (export_run_id is null))`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`delete from downloads where export_run_id is not null`.execute(db);
  await sql`alter table downloads drop constraint downloads_one_target`.execute(db);
  await sql`alter table downloads drop column export_run_id`.execute(db);
  await sql`alter table downloads alter column table_name set not null`.execute(db);
}
