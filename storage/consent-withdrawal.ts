import { sql, type RawBuilder } from 'kysely';
import { inTransaction, type StoreContext } from './store-context.js';
import type { Db } from './database.js';
import { liveRow } from './retention-move.js';
import { recordWebhookEvent } from './webhook-outbox.js';
import { CONFIRMATION_TOKEN, hashConfirmationToken } from './consent-repository.js';

/** What opening a withdrawal link did. */
export type WithdrawOutcome = 'withdrawn' | 'already_withdrawn' | 'unknown';

/**
 * The condition on `store_consents c` of a consent of the workspace that `which` selects and
 * that still stands: live, opted in (accepted or confirmed), not withdrawn.
 */
export function standingConsent(workspaceId: string, now: Date, which: RawBuilder<boolean>): RawBuilder<boolean> {
  return sql<boolean>`c.workspace_id = ${workspaceId} and ${which} and ${liveRow('consents', now, 'c')}
    and (case when jsonb_typeof(c.data -> 'is_optin') = 'number' then (c.data ->> 'is_optin')::numeric > 0 else false end)
    and c.data -> 'withdrawn_at' is null`;
}

/**
 * Withdraws the live consents that `which` selects (of `store_consents`, aliased `c`) and that
 * still stand (opted in, not withdrawn): each keeps its proof (wording hash, terms, dates) and
 * gets `is_optin` 0, `withdrawn_at` and the level it had (`withdrawn_level`), so every export
 * and view reads the person's answer as it now is. Their double opt-in links end first (the
 * order a confirmation takes its locks in, so the two never deadlock): a click afterwards finds
 * an expired link instead of opting the person in again. Each withdrawal is a `consent.withdrawn`
 * webhook event, in the same transaction. Returns the consents withdrawn.
 */
export async function withdrawWhere(db: Db, now: Date, workspaceId: string, which: RawBuilder<boolean>): Promise<number> {
  const standing = standingConsent(workspaceId, now, which);
  await sql`
    update consent_confirmations k set expires_at = least(k.expires_at, ${now}), token_sealed = null, message_sealed = null
    from store_consents c
    where k.consent_id = c.id and k.confirmed_at is null and ${standing}`.execute(db);
  const patch = sql`jsonb_build_object('is_optin', 0, 'withdrawn_at', ${now.toISOString()}::text, 'withdrawn_level', c.data -> 'is_optin')`;
  const withdrawn = await sql<{ id: string; flow_id: string | null }>`
    update store_consents c set data = c.data || ${patch}
    where ${standing}
    returning c.id, c.flow_id`.execute(db);
  for (const row of withdrawn.rows) {
    await recordWebhookEvent(db, { workspaceId, type: 'consent.withdrawn', flowId: row.flow_id, sourceTable: 'consents', sourceId: row.id, at: now });
  }
  return withdrawn.rows.length;
}

/**
 * Withdraws every standing consent one person (their normalized email) gave in the workspace, or
 * in one flow: what an owner records when someone asks, or a partner system when its own
 * unsubscribe comes in. Returns the consents withdrawn (0 when none stood).
 */
export async function withdrawSubjectConsents(ctx: StoreContext, workspaceId: string, subject: string, flowId?: string): Promise<number> {
  const hash = await ctx.keyring.lookupHash(workspaceId, subject);
  const which = sql<boolean>`c.subject_hash = ${hash} ${flowId === undefined ? sql`` : sql`and c.flow_id = ${flowId}`}`;
  return inTransaction(ctx, (trx) => withdrawWhere(trx.db, trx.clock.now(), workspaceId, which));
}

/**
 * Withdraws the consent a double opt-in mail was sent for, by the mail's token (its withdrawal
 * link), for as long as the consent is kept, whether it was confirmed or not: `withdrawn`, or
 * `already_withdrawn` (also for a consent that no longer stands), `unknown` for a token that
 * names no live consent.
 */
export async function withdrawConsentByToken(ctx: StoreContext, token: string): Promise<WithdrawOutcome> {
  if (!CONFIRMATION_TOKEN.test(token)) return 'unknown';
  return inTransaction(ctx, async (trx) => {
    const now = trx.clock.now();
    const found = await sql<{ workspace_id: string; consent_id: string }>`
      select k.workspace_id, k.consent_id from consent_confirmations k
        join store_consents c on c.id = k.consent_id
      where k.token_hash = ${hashConfirmationToken(token)} and ${liveRow('consents', now, 'c')}
      for update of k`.execute(trx.db);
    const link = found.rows[0];
    if (!link) return 'unknown';
    const withdrawn = await withdrawWhere(trx.db, now, link.workspace_id, sql<boolean>`c.id = ${link.consent_id}`);
    return withdrawn > 0 ? 'withdrawn' : 'already_withdrawn';
  });
}
