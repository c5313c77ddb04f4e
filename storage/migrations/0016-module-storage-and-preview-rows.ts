import { sql, type Kysely } from 'kysely';

/**
 * Per-module storage switch and preview rows.
 *
 * `workspaces.storage_off_modules` lists the modules a workspace lets run without storing anything:
 * the statements that write store rows read it with the workspace and write no row of those modules.
 *
 * `preview` on every store table marks the rows a console preview session wrote (chat_sessions.preview,
 * 0013): exports, downloads, draws and the console's tables skip them by a column of the row itself,
 * so no read joins the sessions. A constant default, so adding it rewrites no partition.
 */
const STORE_TABLES = [
  'store_participations',
  'store_winners',
  'store_consents',
  'store_variables',
  'store_codes',
  'store_files',
  'store_instant_win_claims',
  'store_runtime_log',
] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table workspaces add column storage_off_modules text[] not null default '{}'`.execute(db);
  for (const table of STORE_TABLES) {
    await sql`alter table ${sql.table(table)} add column preview boolean not null default false`.execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of STORE_TABLES) await sql`alter table ${sql.table(table)} drop column preview`.execute(db);
  await sql`alter table workspaces drop column storage_off_modules`.execute(db);
}
