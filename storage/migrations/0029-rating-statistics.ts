import { sql, type Kysely } from 'kysely';

/**
 * Flow statistics count ratings per day, and of them the high and the low ones (CSAT and NPS
 * come from those): three more count columns, zero for the days already kept (no rating step
 * existed before). Adding a column with a constant default rewrites no row.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table flow_stats_daily add column ratings integer not null default 0, add column ratings_high integer not null default 0, add column ratings_low integer not null default 0`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table flow_stats_daily drop column ratings, drop column ratings_high, drop column ratings_low`.execute(db);
}
