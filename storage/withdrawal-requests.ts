import { sql } from 'kysely';
import { uuidV7 } from './uuid-v7.js';
import { inTransaction, type StoreContext } from './store-context.js';
import type { Db } from './database.js';
import { liveRow } from './retention-move.js';
import { CONFIRMATION_TOKEN, hashConfirmationToken, newConfirmationToken } from './consent-repository.js';
import { standingConsent, withdrawWhere, type WithdrawOutcome } from './consent-withdrawal.js';
import { UUID_TEXT } from '../core/ids.js';

/** How long a mailed withdrawal link works. */
export const WITHDRAWAL_LINK_TTL_MS = 24 * 3_600_000;

/** The least time between two links mailed for one address: the request page cannot be used to flood a mailbox. */
export const WITHDRAWAL_REQUEST_SPACING_MS = 10 * 60_000;

/**
 * What asking for a withdrawal link did: `requested` (a link to mail), `none` (no consent given
 * with the address stands), `spaced` (a link went out for it a moment ago). The person asking is
 * told the same in every case: the page must not tell who gave consent.
 */
export type WithdrawalRequest = { readonly status: 'requested'; readonly requestId: string } | { readonly status: 'none' } | { readonly status: 'spaced' };

/** What the mail job needs for one request: where to send it, and its link's token. */
export type PendingWithdrawalMail =
  | { readonly status: 'missing' }
  | { readonly status: 'sent' }
  | { readonly status: 'void' }
  | { readonly status: 'ready'; readonly workspaceId: string; readonly email: string; readonly token: string; readonly language: string };

/**
 * Records a request for a withdrawal link for a normalized address, when consents given with it
 * stand in the workspace and no link went out for it in the last `WITHDRAWAL_REQUEST_SPACING_MS`.
 * The link will go to the address kept in the latest of those consents (not to what was typed),
 * so only the person who consented can use it, in `language` (the request page's). Requests for
 * one address are taken one at a time.
 */
export async function requestWithdrawal(ctx: StoreContext, workspaceId: string, normalizedEmail: string, language: string): Promise<WithdrawalRequest> {
  const subjectHash = await ctx.keyring.lookupHash(workspaceId, normalizedEmail);
  return inTransaction(ctx, async (trx) => {
    const now = trx.clock.now();
    await sql`select pg_advisory_xact_lock(hashtextextended(${`withdrawal-request:${workspaceId}:${subjectHash.toString('hex')}`}, 0))`.execute(trx.db);
    const recent = await sql`
      select 1 from consent_withdrawal_requests
      where workspace_id = ${workspaceId} and subject_hash = ${subjectHash} and created_at > ${new Date(now.getTime() - WITHDRAWAL_REQUEST_SPACING_MS)}
      limit 1`.execute(trx.db);
    if (recent.rows.length > 0) return { status: 'spaced' };
    const consent = await sql<{ id: string }>`
      select c.id from store_consents c
      where ${standingConsent(workspaceId, now, sql<boolean>`c.subject_hash = ${subjectHash}`)} and c.personal is not null
      order by c.created_at desc limit 1`.execute(trx.db);
    const consentId = consent.rows[0]?.id;
    if (!consentId) return { status: 'none' };
    // A token only for a request that will be mailed: most asks find no consent, or one spaced out.
    const token = newConfirmationToken();
    const tokenSealed = await ctx.keyring.encryptJson(workspaceId, token);
    const id = uuidV7();
    await sql`
      insert into consent_withdrawal_requests (id, workspace_id, subject_hash, consent_id, token_hash, token_sealed, language, created_at, expires_at)
      values (${id}, ${workspaceId}, ${subjectHash}, ${consentId}, ${hashConfirmationToken(token)}, ${tokenSealed}, ${language}, ${now}, ${new Date(now.getTime() + WITHDRAWAL_LINK_TTL_MS)})`.execute(trx.db);
    return { status: 'requested', requestId: id };
  });
}

/**
 * Loads what the mail job needs for one request, decrypting the address (from the consent it
 * names) and the token. `void` when the link can no longer be sent: expired, or its consent
 * gone or without an address.
 */
export async function loadWithdrawalMail(ctx: StoreContext, requestId: string): Promise<PendingWithdrawalMail> {
  if (!UUID_TEXT.test(requestId)) return { status: 'missing' };
  const now = ctx.clock.now();
  const found = await sql<{ workspace_id: string; token_sealed: Buffer | null; language: string; expires_at: Date; personal: Buffer | null }>`
    select r.workspace_id, r.token_sealed, r.language, r.expires_at, c.personal
    from consent_withdrawal_requests r left join store_consents c on c.id = r.consent_id and ${liveRow('consents', now, 'c')}
    where r.id = ${requestId}`.execute(ctx.db);
  const row = found.rows[0];
  if (!row) return { status: 'missing' };
  if (!row.token_sealed) return { status: 'sent' };
  if (row.expires_at <= now || !row.personal) return { status: 'void' };
  const personal = await ctx.keyring.decryptJson<{ email?: unknown }>(row.workspace_id, row.personal);
  if (typeof personal.email !== 'string') return { status: 'void' };
  const token = await ctx.keyring.decryptJson<string>(row.workspace_id, row.token_sealed);
  return { status: 'ready', workspaceId: row.workspace_id, email: personal.email, token, language: row.language };
}

/** Erases the sealed token once the mail went out (`mailed`), or when it never will. */
export async function clearWithdrawalMail(ctx: StoreContext, requestId: string, mailed: boolean): Promise<void> {
  await sql`
    update consent_withdrawal_requests set token_sealed = null, mailed_at = ${mailed ? sql`${ctx.clock.now()}` : sql`mailed_at`}
    where id = ${requestId}`.execute(ctx.db);
}

/**
 * Withdraws, by a mailed link's token, every consent that stands for the address it was asked
 * for (in its workspace): `withdrawn`, `already_withdrawn` when none stands any more (a second
 * press), `expired` past the link's day, `unknown` for a token that names no request.
 */
export async function withdrawByRequest(ctx: StoreContext, token: string): Promise<WithdrawOutcome | 'expired'> {
  if (!CONFIRMATION_TOKEN.test(token)) return 'unknown';
  return inTransaction(ctx, async (trx) => {
    const now = trx.clock.now();
    const found = await sql<{ workspace_id: string; subject_hash: Buffer; expires_at: Date }>`
      select workspace_id, subject_hash, expires_at from consent_withdrawal_requests where token_hash = ${hashConfirmationToken(token)}`.execute(trx.db);
    const request = found.rows[0];
    if (!request) return 'unknown';
    if (request.expires_at <= now) return 'expired';
    const withdrawn = await withdrawWhere(trx.db, now, request.workspace_id, sql<boolean>`c.subject_hash = ${request.subject_hash}`);
    return withdrawn > 0 ? 'withdrawn' : 'already_withdrawn';
  });
}

/** Deletes the requests whose link has expired (the sweep's work): they hold an address's hash. Returns how many. */
export async function purgeWithdrawalRequests(db: Db, now: Date): Promise<number> {
  const result = await sql`delete from consent_withdrawal_requests where expires_at <= ${now}`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}
