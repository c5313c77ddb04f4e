import { sql, type Kysely } from 'kysely';

/** The table socket.io's PostgreSQL adapter uses for payloads too large for NOTIFY. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table if not exists socket_io_attachments (
      id bigserial unique,
      created_at timestamptz default now(),
      payload bytea
    )`.execute(db);
}
