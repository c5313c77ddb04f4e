import { sql, type Kysely } from 'kysely';

/**
 * Verifiable, idempotent giveaway draws. `giveaway_draw_seeds` holds the secret seed committed
 * for the next draw of each giveaway scope (a step id, or '' for flow-wide draws) until that
 * draw uses it; a draw records the seed it used (revealed), its commitment and when it was
 * committed, the pool positions it picked, and the client's idempotency key with a
 * fingerprint of what it asked for. No personal data.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table giveaway_draw_seeds (
      workspace_id uuid not null references workspaces (id) on delete cascade,
      flow_id uuid not null references flows (id) on delete cascade,
      scope text not null,
      seed bytea not null check (octet_length(seed) = 32),
      commitment text not null,
      committed_at timestamptz not null,
      primary key (flow_id, scope)
    )`.execute(db);
  await sql`
    alter table giveaway_draws
      add column seed bytea,
      add column seed_commitment text,
      add column seed_committed_at timestamptz,
      add column winner_positions integer[],
      add column idempotency_key text check (char_length(idempotency_key) between 1 and 200),
      add column request_fingerprint text`.execute(db);
  await sql`create unique index giveaway_draws_idempotency on giveaway_draws (workspace_id, idempotency_key) where idempotency_key is not null`.execute(db);
}
