import { sql, type Kysely } from 'kysely';

/**
 * `parley_session_moved_on()` raises SQLSTATE PRL01, as `parley_expect_session` (0019) does when a
 * session is no longer where a process last saw it. A reply whose only statement is its last one
 * checks the session in that statement's own update (same `seq`, live, active, flow open) and
 * calls this when the update found nothing, so the whole statement rolls back and the turn is
 * taken again on the locking path.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create function parley_session_moved_on() returns boolean
    language plpgsql as $$
    begin
      raise exception 'chat session moved on' using errcode = 'PRL01';
    end
    $$`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop function parley_session_moved_on()`.execute(db);
}
