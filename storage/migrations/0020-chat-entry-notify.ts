import { sql, type Kysely } from 'kysely';

/**
 * Workspaces and flows announce every committed change on the channel `parley_chat_entry`, with
 * the workspace id as payload: processes that keep what a chat handshake reads (allowed origins,
 * the flow's version and state) drop it when they hear it. PostgreSQL delivers a notification
 * only if its transaction commits, once per distinct payload per transaction, in commit order.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create function parley_notify_chat_entry() returns trigger
    language plpgsql as $$
    begin
      perform pg_notify('parley_chat_entry', to_jsonb(case when tg_op = 'DELETE' then old else new end) ->> tg_argv[0]);
      return null;
    end
    $$`.execute(db);
  await sql`create trigger workspaces_chat_entry_changed after update or delete on workspaces for each row execute function parley_notify_chat_entry('id')`.execute(db);
  await sql`create trigger flows_chat_entry_changed after insert or update or delete on flows for each row execute function parley_notify_chat_entry('workspace_id')`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop trigger flows_chat_entry_changed on flows`.execute(db);
  await sql`drop trigger workspaces_chat_entry_changed on workspaces`.execute(db);
  await sql`drop function parley_notify_chat_entry()`.execute(db);
}
