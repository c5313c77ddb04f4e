import { sql, type Kysely } from 'kysely';

/**
 * Flow statistics count quizzes finished and passed per day: two more count columns, zero for
 * the days already kept (no quiz step existed before). Adding a column with a constant default
 * rewrites no row.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table flow_stats_daily add column quizzes_completed integer not null default 0, add column quizzes_passed integer not null default 0`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table flow_stats_daily drop column quizzes_completed, drop column quizzes_passed`.execute(db);
}
