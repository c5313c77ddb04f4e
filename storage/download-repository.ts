import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { StoreContext } from './store-context.js';
import type { StoreTable } from '../core/store-tables.js';

export interface IssuedDownload {
  readonly id: string;
  /** Goes in the URL; only its SHA-256 is stored. */
  readonly token: string;
  /** Opens the ZIP; shown once, stored only encrypted under the workspace key. */
  readonly password: string;
  readonly expiresAt: Date;
}

export type Redemption =
  | { readonly status: 'ok'; readonly workspaceId: string; readonly table: StoreTable; readonly password: string }
  | { readonly status: 'gone' }
  | { readonly status: 'unknown' };

const hashToken = (token: string) => createHash('sha256').update(token, 'utf8').digest();

/** A one-time download of a table: random token (256 bits) and password (160 bits). */
export async function issueDownload(ctx: StoreContext, input: { workspaceId: string; table: StoreTable; keyId: string; ttlMs: number }): Promise<IssuedDownload> {
  const token = randomBytes(32).toString('base64url');
  const password = randomBytes(20).toString('base64url');
  const id = randomUUID();
  const now = ctx.clock.now();
  const expiresAt = new Date(now.getTime() + input.ttlMs);
  await sql`
    insert into downloads (id, workspace_id, table_name, token_hash, password_sealed, created_by_key, created_at, expires_at)
    values (${id}, ${input.workspaceId}, ${input.table}, ${hashToken(token)}, ${await ctx.keyring.encryptJson(input.workspaceId, password)},
      ${input.keyId}, ${now}, ${expiresAt})`.execute(ctx.db);
  return { id, token, password, expiresAt };
}

/**
 * Redeems a token exactly once: one atomic update marks it used and erases the sealed
 * password, so two simultaneous redemptions give one success. Used or expired → gone.
 */
export async function redeemDownload(ctx: StoreContext, token: string): Promise<Redemption> {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return { status: 'unknown' };
  const now = ctx.clock.now();
  const taken = await sql<{ workspace_id: string; table_name: StoreTable; password_sealed: Buffer }>`
    update downloads d set redeemed_at = ${now}, password_sealed = null
    from (select id, password_sealed from downloads where token_hash = ${hashToken(token)} for update) old
    where d.id = old.id and d.redeemed_at is null and d.expires_at > ${now}
    returning d.workspace_id, d.table_name, old.password_sealed`.execute(ctx.db);
  const row = taken.rows[0];
  if (row) return { status: 'ok', workspaceId: row.workspace_id, table: row.table_name, password: await ctx.keyring.decryptJson<string>(row.workspace_id, row.password_sealed) };
  const known = await sql`select 1 from downloads where token_hash = ${hashToken(token)}`.execute(ctx.db);
  return known.rows.length > 0 ? { status: 'gone' } : { status: 'unknown' };
}
