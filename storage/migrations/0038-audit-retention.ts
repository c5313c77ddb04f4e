import { sql, type Kysely } from 'kysely';

/**
 * The audit log expires too: each workspace keeps its entries `audit_retention_days` (365 unless
 * the owner changes it, 30 to 3650); reads hide older ones and the sweep deletes them. A constant
 * default rewrites no row.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table workspaces add column audit_retention_days integer not null default 365
    constraint workspaces_audit_retention check (audit_retention_days between 30 and 3650)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table workspaces drop column audit_retention_days`.execute(db);
}
