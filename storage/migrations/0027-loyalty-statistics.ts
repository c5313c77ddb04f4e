import { sql, type Kysely } from 'kysely';

/**
 * Flow statistics count loyalty stamps and full cards per day, beside instant-win wins and
 * giveaway entries: two more count columns, zero for the days already kept (no loyalty step
 * existed before 0026). Adding a column with a constant default rewrites no row.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table flow_stats_daily add column loyalty_stamps integer not null default 0, add column loyalty_cards integer not null default 0`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table flow_stats_daily drop column loyalty_stamps, drop column loyalty_cards`.execute(db);
}
