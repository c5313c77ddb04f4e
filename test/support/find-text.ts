import { sql } from 'kysely';
import type { Db } from '../../storage/database.js';

/**
 * Every table, in every schema of the database (pg-boss's included), whose rows contain `needle`
 * anywhere in their text form. Used to prove personal data was not written.
 */
export async function tablesContaining(db: Db, needle: string): Promise<string[]> {
  const tables = await sql<{ schema: string; name: string }>`
    select table_schema as schema, table_name as name from information_schema.tables
    where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema')`.execute(db);
  const hits: string[] = [];
  for (const { schema, name } of tables.rows) {
    const found = await sql<{ n: string }>`
      select count(*) as n from ${sql.table(`${schema}.${name}`)} t where t::text ilike ${`%${needle}%`}`.execute(db);
    if (Number(found.rows[0]!.n) > 0) hits.push(`${schema}.${name}`);
  }
  return hits;
}
