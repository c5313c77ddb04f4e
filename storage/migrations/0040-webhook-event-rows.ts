import { sql, type Kysely } from 'kysely';

/**
 * An event about a data subject request (`subject.erased`, `subject.anonymized`) names the rows it
 * acted on, which are gone or changed by the time it is delivered: `rows` holds those references
 * (table, id, flow; never a value of a row). Null for every other event, whose source row is read
 * at delivery.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table webhook_events add column rows jsonb`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table webhook_events drop column rows`.execute(db);
}
