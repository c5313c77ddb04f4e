import { sql, type Kysely } from 'kysely';

/** The sweep trims claimed cron occurrences by age (`trimOperationalLog`): an index on when they happened. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index cron_occurrences_at on cron_occurrences (occurrence_at)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index cron_occurrences_at`.execute(db);
}
