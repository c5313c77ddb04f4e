import { sql, type Kysely } from 'kysely';

/**
 * A workspace's own GPG key pair, for files sent to it encrypted (a partner's code list): the
 * public key is handed out, the private key is kept sealed under the workspace's data key, so
 * crypto-shredding the workspace makes it unreadable too.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table workspace_gpg_keys (
      workspace_id uuid primary key references workspaces (id) on delete cascade,
      fingerprint text not null,
      public_key text not null,
      private_key_sealed bytea not null,
      created_at timestamptz not null
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table workspace_gpg_keys`.execute(db);
}
