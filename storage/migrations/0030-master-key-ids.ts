import { sql, type Kysely } from 'kysely';

/**
 * Each wrapped data key names the master key that wraps it (`masterKeyId`), so a process opens it
 * with the right one of its keys while a master key rotation is under way, and `parley master-key
 * status` counts what each key still wraps. Keys wrapped before stay null: they are opened by
 * trying the process's keys, and get their id when `parley master-key rewrap` wraps them again.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table workspace_data_keys add column master_key_id text`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table workspace_data_keys drop column master_key_id`.execute(db);
}
