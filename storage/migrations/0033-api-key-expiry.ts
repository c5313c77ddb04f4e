import { sql, type Kysely } from 'kysely';

/**
 * An API key may expire (a partner's key for one campaign, a contractor's for a quarter): from
 * `expires_at` on it is refused as a revoked one is. Null, as for every key before: it never
 * expires. A nullable column without a default rewrites no row.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table api_keys add column expires_at timestamptz`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table api_keys drop column expires_at`.execute(db);
}
