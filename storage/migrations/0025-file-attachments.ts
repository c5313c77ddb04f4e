import { sql, type Kysely } from 'kysely';

/**
 * The Files table keeps each uploaded file's bytes, sealed, in its own row: expiry, retention
 * changes, deletion by hand, subject erasure and dropped partitions take the file along with the
 * row. A nullable column without a default is added to the partitioned table and every partition
 * without rewriting them.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table store_files add column attachment bytea`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table store_files drop column attachment`.execute(db);
}
