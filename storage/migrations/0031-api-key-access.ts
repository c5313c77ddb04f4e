import { sql, type Kysely } from 'kysely';

/**
 * An API key's access: `full` (everything, as every key before) or `read` (reads only: a partner's
 * reporting tool, a colleague who follows the statistics). Adding a column with a constant
 * default rewrites no row.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table api_keys add column access text not null default 'full' constraint api_keys_access check (access in ('full', 'read'))`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table api_keys drop column access`.execute(db);
}
