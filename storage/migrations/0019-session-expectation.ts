import { sql, type Kysely } from 'kysely';

/**
 * `parley_expect_session(session, seq, now)` locks a chat session for the caller's transaction
 * if it is still where the caller last saw it (same `seq`, live, active, its flow open at `now`),
 * and raises SQLSTATE PRL01 otherwise. A process that ran a session's previous turn keeps its
 * state and sends this with the turn's first statement instead of a lock-and-load round trip;
 * PRL01 sends it back to the locking path (another process took a turn, the flow closed, …).
 * Raising, not returning, matters: it stops the statements pipelined behind it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create function parley_expect_session(p_session uuid, p_seq integer, p_now timestamptz) returns void
    language plpgsql as $$
    begin
      perform 1 from chat_sessions s join flows f on f.id = s.flow_id
      where s.id = p_session and s.seq = p_seq and s.status = 'active' and s.expires_at > p_now
        and f.status = 'open' and (f.opens_at is null or f.opens_at <= p_now) and (f.closes_at is null or f.closes_at > p_now)
      for no key update of s;
      if not found then
        raise exception 'chat session moved on' using errcode = 'PRL01';
      end if;
    end
    $$`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop function parley_expect_session(uuid, integer, timestamptz)`.execute(db);
}
