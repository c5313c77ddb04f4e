import { sql, type Kysely } from 'kysely';

/**
 * Exports read, for each batch of entries, the related rows of the entries' sessions: these
 * indexes serve that lookup (the subject-hash lookup uses the `_subject` indexes of 0001), so an
 * export costs the rows it reads instead of a scan of each related table per batch.
 * Plain indexes on the tables themselves, so they also work on range-partitioned parents.
 */
const TABLES = ['store_variables', 'store_consents', 'store_winners', 'store_codes', 'store_instant_win_claims'] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const table of TABLES) {
    await sql`create index if not exists ${sql.id(`${table}_session`)} on ${sql.table(table)} (workspace_id, session_id) where session_id is not null`.execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of TABLES) await sql`drop index if exists ${sql.id(`${table}_session`)}`.execute(db);
}
