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
  | { readonly status: 'ok'; readonly kind: 'table'; readonly workspaceId: string; readonly table: StoreTable; readonly flowId: string | null; readonly password: string }
  | { readonly status: 'ok'; readonly kind: 'run'; readonly workspaceId: string; readonly runId: string; readonly password: string }
  | { readonly status: 'gone' }
  | { readonly status: 'unknown' };

const hashToken = (token: string) => createHash('sha256').update(token, 'utf8').digest();

/**
 * What a link downloads: a table of the workspace (only the rows one flow stored, with `flowId`),
 * or the file an export run delivered (the run must belong to the workspace).
 */
export type DownloadTarget = { readonly table: StoreTable; readonly flowId?: string } | { readonly runId: string };

/**
 * A one-time download, served as an AES-256 ZIP: random token (256 bits) and password (160 bits),
 * the password sealed under the workspace key until the link is redeemed.
 */
export async function issueDownload(ctx: StoreContext, input: { workspaceId: string; target: DownloadTarget; keyId: string; ttlMs: number }): Promise<IssuedDownload> {
  const now = ctx.clock.now();
  const id = randomUUID();
  const token = randomBytes(32).toString('base64url');
  const password = randomBytes(20).toString('base64url');
  const expiresAt = new Date(now.getTime() + input.ttlMs);
  const { table = null, flowId = null } = 'table' in input.target ? input.target : {};
  const runId = 'runId' in input.target ? input.target.runId : null;
  await sql`
    insert into downloads (id, workspace_id, table_name, flow_id, export_run_id, token_hash, password_sealed, created_by_key, created_at, expires_at)
    values (${id}, ${input.workspaceId}, ${table}, ${flowId}, ${runId}, ${hashToken(token)}, ${await ctx.keyring.encryptJson(input.workspaceId, password)},
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
  const taken = await sql<{ workspace_id: string; table_name: StoreTable | null; flow_id: string | null; export_run_id: string | null; password_sealed: Buffer | null }>`
    update downloads d set redeemed_at = ${now}, password_sealed = null
    from (select id, password_sealed from downloads where token_hash = ${hashToken(token)} for update) old
    where d.id = old.id and d.redeemed_at is null and d.expires_at > ${now}
    returning d.workspace_id, d.table_name, d.flow_id, d.export_run_id, old.password_sealed`.execute(ctx.db);
  const row = taken.rows[0];
  // A run link issued before run downloads were zipped has no password: it is refused as gone.
  if (row?.password_sealed) {
    const password = await ctx.keyring.decryptJson<string>(row.workspace_id, row.password_sealed);
    if (row.export_run_id) return { status: 'ok', kind: 'run', workspaceId: row.workspace_id, runId: row.export_run_id, password };
    if (row.table_name) return { status: 'ok', kind: 'table', workspaceId: row.workspace_id, table: row.table_name, flowId: row.flow_id, password };
  }
  const known = await sql`select 1 from downloads where token_hash = ${hashToken(token)}`.execute(ctx.db);
  return known.rows.length > 0 ? { status: 'gone' } : { status: 'unknown' };
}
