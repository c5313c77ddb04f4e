import { sql, type Kysely } from 'kysely';

/**
 * Double opt-in confirmations of consent rows. The link token is kept only as a SHA-256 hash,
 * plus a sealed copy (and the sealed mail text) until the confirmation mail is sent. A
 * confirmation lives as long as its consent row: deleting or sweeping the row deletes it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table consent_confirmations (
      id uuid primary key,
      workspace_id uuid not null references workspaces (id) on delete cascade,
      consent_id uuid not null references store_consents (id) on delete cascade,
      token_hash bytea not null unique,
      token_sealed bytea,
      message_sealed bytea,
      created_at timestamptz not null,
      expires_at timestamptz not null,
      mailed_at timestamptz,
      confirmed_at timestamptz
    )`.execute(db);
  await sql`create index consent_confirmations_consent on consent_confirmations (consent_id)`.execute(db);
}
