import { sql, type Kysely } from 'kysely';

/**
 * Codes are handed out in upload order through an index of the free codes. That index was
 * `(flow_id, step_id, id)`, an order the primary key `(id)` gives too, and on a pool whose
 * statistics said most codes were free the planner walked the primary key instead, stepping over
 * every code handed out before, live rows that no VACUUM removes: on a pool of 1,000,000 codes
 * with 8 takers, 1,518 buffers a hand-out over the first 7,800 codes, 30,692 past 77,000 (167
 * codes/s). Ordered by `(created_at, id)` (upload time, then upload order), the free codes'
 * index is the only one that serves the walk.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index code_pool_entries_free_in_order on code_pool_entries (flow_id, step_id, created_at, id) where assigned_session_id is null`.execute(db);
  await sql`drop index code_pool_entries_free`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`create index code_pool_entries_free on code_pool_entries (flow_id, step_id, id) where assigned_session_id is null`.execute(db);
  await sql`drop index code_pool_entries_free_in_order`.execute(db);
}
