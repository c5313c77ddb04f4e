import { sql, type Kysely } from 'kysely';

/**
 * The console's audit page filters the log by action and pages it newest first on (`at`, `id`):
 * this index serves both that filter and the list of actions a workspace's log holds.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index audit_log_action on audit_log (workspace_id, action, at desc, id desc)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index audit_log_action`.execute(db);
}
