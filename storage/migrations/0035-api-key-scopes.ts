import { sql, type Kysely } from 'kysely';

/**
 * An API key may be limited to parts of the API (`scopes`: `subjects` for a CRM that reports
 * unsubscribes, `exports` for a delivery partner); null, as for every key before: the whole
 * API. A nullable column without a default rewrites no row.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table api_keys add column scopes text[] constraint api_keys_scopes check (scopes is null or cardinality(scopes) > 0)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table api_keys drop column scopes`.execute(db);
}
