import { sql } from 'kysely';
import type { StoreContext } from './store-context.js';

/** The public half of a workspace's GPG key pair, as it is handed out. */
export interface WorkspaceGpgKey {
  /** Upper-case hex fingerprint, as `gpg --fingerprint` shows it (no spaces). */
  readonly fingerprint: string;
  readonly publicKey: string;
  readonly createdAt: Date;
}

/** Stores (or replaces) a workspace's key pair; the private key is sealed under the workspace's data key. */
export async function saveWorkspaceGpgKey(ctx: StoreContext, workspaceId: string, pair: { fingerprint: string; publicKey: string; privateKey: string }): Promise<WorkspaceGpgKey> {
  const createdAt = ctx.clock.now();
  const sealed = await ctx.keyring.encryptJson(workspaceId, pair.privateKey);
  await sql`
    insert into workspace_gpg_keys (workspace_id, fingerprint, public_key, private_key_sealed, created_at)
    values (${workspaceId}, ${pair.fingerprint}, ${pair.publicKey}, ${sealed}, ${createdAt})
    on conflict (workspace_id) do update set fingerprint = excluded.fingerprint, public_key = excluded.public_key,
      private_key_sealed = excluded.private_key_sealed, created_at = excluded.created_at`.execute(ctx.db);
  return { fingerprint: pair.fingerprint, publicKey: pair.publicKey, createdAt };
}

/** The workspace's public key, or undefined when it has none. */
export async function getWorkspaceGpgKey(ctx: StoreContext, workspaceId: string): Promise<WorkspaceGpgKey | undefined> {
  const result = await sql<{ fingerprint: string; public_key: string; created_at: Date }>`
    select fingerprint, public_key, created_at from workspace_gpg_keys where workspace_id = ${workspaceId}`.execute(ctx.db);
  const row = result.rows[0];
  return row && { fingerprint: row.fingerprint, publicKey: row.public_key, createdAt: row.created_at };
}

/** The workspace's armored private key, unsealed (undefined when it has none; `data_key_destroyed` after crypto-shredding). */
export async function openWorkspaceGpgPrivateKey(ctx: StoreContext, workspaceId: string): Promise<string | undefined> {
  const result = await sql<{ private_key_sealed: Buffer }>`
    select private_key_sealed from workspace_gpg_keys where workspace_id = ${workspaceId}`.execute(ctx.db);
  const row = result.rows[0];
  return row && ctx.keyring.decryptJson<string>(workspaceId, row.private_key_sealed);
}
