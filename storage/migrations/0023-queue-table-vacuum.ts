import { sql, type Kysely } from 'kysely';

/**
 * Tables worked as queues: a taker picks the first row of a partial index of the rows still free
 * (`… where claimed_at is null order by moment limit 1 for update skip locked`) and marks it
 * taken, which leaves that row's entry in the index dead. Every later taker steps over the dead
 * entries before the first free row until a VACUUM removes them. Measured on 1,000,000
 * instant-win moments and 8 claimers (pgbench, the claim statement): 6,200 claims/s at first,
 * 1,640 after 300,000 claims, until autovacuum's default trigger (a fifth of the table) fired.
 * And a VACUUM that finds dead rows on under 2 % of the pages skips the indexes altogether
 * (PostgreSQL ≥ 14): taken rows sit together, so it left all of them in the index. Here
 * autovacuum visits each of these tables after every 10,000 takes, without cost-based pauses,
 * and always cleans the indexes.
 */
const QUEUE_TABLES = [
  'instant_win_moments', // instant_win_moments_unclaimed: moments not yet won
  'code_pool_entries', // code_pool_entries_free: codes not yet handed out
  'webhook_events', // webhook_events_pending: events not yet dispatched
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const table of QUEUE_TABLES) {
    await sql`
      alter table ${sql.table(table)} set (
        autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 10000,
        autovacuum_vacuum_cost_delay = 0, vacuum_index_cleanup = on)`.execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of QUEUE_TABLES) {
    await sql`
      alter table ${sql.table(table)} reset (
        autovacuum_vacuum_scale_factor, autovacuum_vacuum_threshold, autovacuum_vacuum_cost_delay, vacuum_index_cleanup)`.execute(db);
  }
}
