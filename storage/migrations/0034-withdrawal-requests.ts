import { sql, type Kysely } from 'kysely';

/**
 * Requests for a withdrawal link: someone gave an address on the public request page, and the
 * workspace holds consents given with it that still stand. The link goes by mail to the address
 * kept in one of those consents (`consent_id`), so only its owner can use it. The token is kept
 * as its SHA-256 hash, plus a sealed copy until the mail is sent. `subject_hash` (the address's
 * keyed hash) names whose consents the link withdraws, and spaces requests out; `language` is the
 * one the request page spoke, which the mail speaks too. A request lives a day; the sweep deletes
 * it after that.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table consent_withdrawal_requests (
      id uuid primary key,
      workspace_id uuid not null references workspaces (id) on delete cascade,
      subject_hash bytea not null,
      consent_id uuid not null,
      token_hash bytea not null unique,
      token_sealed bytea,
      language text not null default 'en',
      created_at timestamptz not null,
      expires_at timestamptz not null,
      mailed_at timestamptz
    )`.execute(db);
  await sql`create index consent_withdrawal_requests_subject on consent_withdrawal_requests (workspace_id, subject_hash, created_at)`.execute(db);
  await sql`create index consent_withdrawal_requests_expiry on consent_withdrawal_requests (expires_at)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table consent_withdrawal_requests`.execute(db);
}
