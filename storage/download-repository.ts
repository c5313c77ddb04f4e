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

/** A one-time link to the file of an export run (no password: the file is served as delivered). */
export type IssuedRunDownload = Omit<IssuedDownload, 'password'>;

export type Redemption =
  | { readonly status: 'ok'; readonly kind: 'table'; readonly workspaceId: string; readonly table: StoreTable; readonly password: string }
  | { readonly status: 'ok'; readonly kind: 'run'; readonly workspaceId: string; readonly runId: string }
  | { readonly status: 'gone' }
  | { readonly status: 'unknown' };

const hashToken = (token: string) => createHash('sha256').update(token, 'utf8').digest();

/** A fresh token (256 bits), its row id and expiry. */
function newLink(ctx: StoreContext, ttlMs: number) {
  const now = ctx.clock.now();
  return { id: randomUUID(), token: randomBytes(32).toString('base64url'), now, expiresAt: new Date(now.getTime() + ttlMs) };
}

/** A one-time download of a table: random token (256 bits) and password (160 bits). */
export async function issueDownload(ctx: StoreContext, input: { workspaceId: string; table: StoreTable; keyId: string; ttlMs: number }): Promise<IssuedDownload> {
  const { id, token, now, expiresAt } = newLink(ctx, input.ttlMs);
  const password = randomBytes(20).toString('base64url');
  await sql`
    insert into downloads (id, workspace_id, table_name, token_hash, password_sealed, created_by_key, created_at, expires_at)
    values (${id}, ${input.workspaceId}, ${input.table}, ${hashToken(token)}, ${await ctx.keyring.encryptJson(input.workspaceId, password)},
      ${input.keyId}, ${now}, ${expiresAt})`.execute(ctx.db);
  return { id, token, password, expiresAt };
}

/** A one-time download of an export run's delivered file (the run must belong to the workspace). */
export async function issueRunDownload(ctx: StoreContext, input: { workspaceId: string; runId: string; keyId: string; ttlMs: number }): Promise<IssuedRunDownload> {
  const { id, token, now, expiresAt } = newLink(ctx, input.ttlMs);
  await sql`
    insert into downloads (id, workspace_id, export_run_id, token_hash, created_by_key, created_at, expires_at)
    values (${id}, ${input.workspaceId}, ${input.runId}, ${hashToken(token)}, ${input.keyId}, ${now}, ${expiresAt})`.execute(ctx.db);
  return { id, token, expiresAt };
}

/**
 * Redeems a token exactly once: one atomic update marks it used and erases the sealed
 * password, so two simultaneous redemptions give one success. Used or expired → gone.
 */
export async function redeemDownload(ctx: StoreContext, token: string): Promise<Redemption> {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return { status: 'unknown' };
  const now = ctx.clock.now();
  const taken = await sql<{ workspace_id: string; table_name: StoreTable | null; export_run_id: string | null; password_sealed: Buffer | null }>`
    update downloads d set redeemed_at = ${now}, password_sealed = null
    from (select id, password_sealed from downloads where token_hash = ${hashToken(token)} for update) old
    where d.id = old.id and d.redeemed_at is null and d.expires_at > ${now}
    returning d.workspace_id, d.table_name, d.export_run_id, old.password_sealed`.execute(ctx.db);
  const row = taken.rows[0];
  if (row?.export_run_id) return { status: 'ok', kind: 'run', workspaceId: row.workspace_id, runId: row.export_run_id };
  if (row?.table_name && row.password_sealed) {
    return { status: 'ok', kind: 'table', workspaceId: row.workspace_id, table: row.table_name, password: await ctx.keyring.decryptJson<string>(row.workspace_id, row.password_sealed) };
  }
  const known = await sql`select 1 from downloads where token_hash = ${hashToken(token)}`.execute(ctx.db);
  return known.rows.length > 0 ? { status: 'gone' } : { status: 'unknown' };
}
