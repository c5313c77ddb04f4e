import { sql, type Kysely } from 'kysely';

/**
 * A table's download may hold only the rows one flow stored (`flow_id`; null: every flow). No
 * foreign key: the rows of a flow deleted since stay, and so may their download.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table downloads add column flow_id uuid`.execute(db);
  await sql`alter table downloads add constraint downloads_flow_of_table check (flow_id is null or table_name is not null)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table downloads drop column flow_id`.execute(db);
}
