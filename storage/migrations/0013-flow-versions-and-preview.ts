import { sql, type Kysely } from 'kysely';

/**
 * Flow versions: every save of a flow keeps its definition as an immutable version, so the console
 * can show the history and restore one, and a chat session keeps the version it started on
 * (`chat_sessions.flow_version`; null for sessions started before this migration, which follow the
 * flow's current version). `chat_sessions.preview` marks sessions started from the console's preview
 * pane: they run the real flow but count in no export and no statistic.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table flow_versions (
      flow_id uuid not null references flows (id) on delete cascade,
      version integer not null,
      name text not null,
      definition jsonb not null,
      created_at timestamptz not null,
      primary key (flow_id, version)
    )`.execute(db);
  await sql`
    insert into flow_versions (flow_id, version, name, definition, created_at)
    select id, version, name, definition, updated_at from flows`.execute(db);
  await sql`alter table chat_sessions add column flow_version integer`.execute(db);
  await sql`alter table chat_sessions add column preview boolean not null default false`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table chat_sessions drop column preview`.execute(db);
  await sql`alter table chat_sessions drop column flow_version`.execute(db);
  await sql`drop table flow_versions`.execute(db);
}
