import { createHash, randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { uuidV7 } from './uuid-v7.js';
import { inTransaction, type StoreContext } from './store-context.js';
import { ParleyError } from '../core/errors.js';
import { liveRow } from './retention-move.js';
import { recordWebhookEvent } from './webhook-outbox.js';

/** The text of a confirmation mail, `{{link}}` standing for the confirmation link. */
export interface ConfirmationMessage {
  readonly subject: string;
  readonly text: string;
}

/** What the mail job finds for a confirmation: ready to send, or a reason not to. */
export type PendingMail =
  | {
      readonly status: 'ready';
      readonly workspaceId: string;
      readonly email: string;
      readonly token: string;
      readonly message: ConfirmationMessage;
    }
  /** No such row: the turn that created it rolled back, or its consent row was deleted. */
  | { readonly status: 'missing' }
  /** Nothing left to send: the mail went out, or was given up (the sealed token is gone). */
  | { readonly status: 'sent' }
  /** The link or the consent row expired, or the row has no email: nothing to send. */
  | { readonly status: 'void' };

/** What clicking a confirmation link did. */
export type ConfirmOutcome = 'confirmed' | 'already_confirmed' | 'expired' | 'unknown';

/** Opt-in levels stored in a consent row's `data.is_optin`. */
export const OPT_IN = Object.freeze({ declined: 0, accepted: 1, confirmed: 2 });

/** A confirmation link token: 32 random bytes, base64url (43 characters). */
export const CONFIRMATION_TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** A new link token (the shape `CONFIRMATION_TOKEN` checks): a double opt-in link's, or a mailed withdrawal link's. */
export function newConfirmationToken(): string {
  return randomBytes(32).toString('base64url');
}

export function hashConfirmationToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/** The advisory lock a confirmation's creating transaction holds until it ends. */
function writerLock(confirmationId: string) {
  return sql`pg_advisory_xact_lock(hashtextextended(${`consent-confirmation:${confirmationId}`}, 0))`;
}

/**
 * Creates the pending confirmation of a live consent row of the workspace: a fresh token, kept
 * as its SHA-256 hash plus a sealed copy (with the sealed mail text) for the mail job only.
 * Returns the confirmation id (what a job payload may carry).
 */
export async function createConfirmation(
  ctx: StoreContext,
  workspaceId: string,
  request: { readonly consentId: string; readonly message: ConfirmationMessage; readonly expiresAt: Date },
): Promise<string> {
  const token = newConfirmationToken();
  const id = uuidV7();
  const [tokenSealed, messageSealed] = await Promise.all([
    ctx.keyring.encryptJson(workspaceId, token),
    ctx.keyring.encryptJson(workspaceId, request.message),
  ]);
  const now = ctx.clock.now();
  // Held until the caller's transaction ends, so the mail job (queued before the commit) waits for it.
  await sql`select ${writerLock(id)}`.execute(ctx.db);
  const inserted = await sql`
    insert into consent_confirmations (id, workspace_id, consent_id, token_hash, token_sealed, message_sealed, created_at, expires_at)
    select ${id}, c.workspace_id, c.id, ${hashConfirmationToken(token)}, ${tokenSealed}, ${messageSealed}, ${now}, ${request.expiresAt}
    from store_consents c
    where c.id = ${request.consentId} and c.workspace_id = ${workspaceId} and ${liveRow('consents', now, 'c')}`.execute(ctx.db);
  if (Number(inserted.numAffectedRows ?? 0) !== 1) throw new ParleyError('not_found', 'Consent row not found');
  return id;
}

/**
 * Loads what the mail job needs for one confirmation, decrypting the email, the token and the
 * text. It first waits for the transaction that created the confirmation to end, so `missing`
 * means that transaction rolled back (or the consent row was deleted since), never "not yet".
 */
export async function loadPendingMail(ctx: StoreContext, confirmationId: string): Promise<PendingMail> {
  if (!/^[0-9a-f-]{36}$/i.test(confirmationId)) return { status: 'missing' };
  await inTransaction(ctx, (trx) => sql`select ${writerLock(confirmationId)}`.execute(trx.db));
  const found = await sql<{
    workspace_id: string;
    token_sealed: Buffer | null;
    message_sealed: Buffer | null;
    expires_at: Date;
    personal: Buffer | null;
    consent_live: boolean;
  }>`
    select k.workspace_id, k.token_sealed, k.message_sealed, k.expires_at, c.personal, ${liveRow('consents', ctx.clock.now(), 'c')} as consent_live
    from consent_confirmations k join store_consents c on c.id = k.consent_id
    where k.id = ${confirmationId}`.execute(ctx.db);
  const row = found.rows[0];
  if (!row) return { status: 'missing' };
  if (!row.token_sealed || !row.message_sealed) return { status: 'sent' };
  if (row.expires_at <= ctx.clock.now() || !row.consent_live || !row.personal) return { status: 'void' };
  const personal = await ctx.keyring.decryptJson<{ email?: unknown }>(row.workspace_id, row.personal);
  if (typeof personal.email !== 'string') return { status: 'void' };
  const [token, message] = await Promise.all([
    ctx.keyring.decryptJson<string>(row.workspace_id, row.token_sealed),
    ctx.keyring.decryptJson<ConfirmationMessage>(row.workspace_id, row.message_sealed),
  ]);
  return { status: 'ready', workspaceId: row.workspace_id, email: personal.email, token, message };
}

/** Erases the sealed token and text once the mail went out (`mailed`), or when it never will. */
export async function clearPendingMail(ctx: StoreContext, confirmationId: string, mailed: boolean): Promise<void> {
  await sql`
    update consent_confirmations set token_sealed = null, message_sealed = null,
      mailed_at = ${mailed ? sql`${ctx.clock.now()}` : sql`mailed_at`}
    where id = ${confirmationId}`.execute(ctx.db);
}

/**
 * Applies a click on a confirmation link, once: the consent row (if still live) gets
 * `is_optin` 2 and `confirmed_at`. Unknown and malformed tokens are `unknown`; a second
 * click is `already_confirmed`; a link past its expiry, or whose consent row expired, `expired`.
 * A confirmation writes its `consent.confirmed` webhook event in the same transaction.
 */
export async function confirmConsent(ctx: StoreContext, token: string): Promise<ConfirmOutcome> {
  if (!CONFIRMATION_TOKEN.test(token)) return 'unknown';
  const hash = hashConfirmationToken(token);
  return inTransaction(ctx, async (trx) => {
    const now = trx.clock.now();
    const found = await sql<{ id: string; consent_id: string; expires_at: Date; confirmed_at: Date | null }>`
      select id, consent_id, expires_at, confirmed_at from consent_confirmations where token_hash = ${hash} for update`.execute(trx.db);
    const confirmation = found.rows[0];
    if (!confirmation) return 'unknown';
    if (confirmation.confirmed_at) return 'already_confirmed';
    if (confirmation.expires_at <= now) return 'expired';
    const patch = JSON.stringify({ is_optin: OPT_IN.confirmed, confirmed_at: now.toISOString() });
    const updated = await sql<{ workspace_id: string; flow_id: string | null }>`
      update store_consents set data = data || ${patch}::jsonb
      where id = ${confirmation.consent_id} and ${liveRow('consents', now)}
      returning workspace_id, flow_id`.execute(trx.db);
    const consent = updated.rows[0];
    if (!consent || updated.rows.length !== 1) return 'expired';
    await recordWebhookEvent(trx.db, { workspaceId: consent.workspace_id, type: 'consent.confirmed', flowId: consent.flow_id, sourceTable: 'consents', sourceId: confirmation.consent_id, at: now });
    await sql`
      update consent_confirmations set confirmed_at = ${now}, token_sealed = null, message_sealed = null
      where id = ${confirmation.id}`.execute(trx.db);
    return 'confirmed';
  });
}
