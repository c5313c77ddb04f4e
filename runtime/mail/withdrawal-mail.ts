import type { OutgoingMail } from './smtp-mailer.js';
import { sendWorkspaceMail, type ConsentMailDeps } from './workspace-mail.js';
import { clearWithdrawalMail, loadWithdrawalMail, WITHDRAWAL_LINK_TTL_MS } from '../../storage/withdrawal-requests.js';
import type { StoreContext } from '../../storage/store-context.js';

/** The subject of the mail that carries a requested withdrawal link. */
export const WITHDRAWAL_MAIL_SUBJECT = 'Withdraw your consent';

/** Its text; `{{link}}` is where the link goes. */
export const WITHDRAWAL_MAIL_TEXT = `Someone, we hope you, asked to withdraw the consent given with this email address.

To withdraw every consent given with it, open this link and press its button:
{{link}}

The link works for ${WITHDRAWAL_LINK_TTL_MS / 3_600_000} hours. If you did not ask, ignore this mail: nothing changes.`;

/**
 * The public link that withdraws every consent of the address a request was made for.
 *
 * @example withdrawAllLink('https://chat.example.org/', 'abc') // 'https://chat.example.org/consents/withdraw-all/abc'
 */
export function withdrawAllLink(publicUrl: string, token: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/consents/withdraw-all/${encodeURIComponent(token)}`;
}

/** The mail that carries a requested withdrawal link, to the address the consent was given with. */
export function withdrawalRequestMail(to: string, publicUrl: string, token: string): OutgoingMail {
  return { to, subject: WITHDRAWAL_MAIL_SUBJECT, text: WITHDRAWAL_MAIL_TEXT.replace('{{link}}', withdrawAllLink(publicUrl, token)) };
}

/**
 * Sends the link of one withdrawal request to the address its consent was given with, then
 * erases the sealed token. `skipped` when there is nothing (more) to send; throws (so the job is
 * retried) when the workspace has no mail settings or the SMTP server did not take the mail.
 */
export async function sendWithdrawalMail(ctx: StoreContext, deps: ConsentMailDeps, requestId: string): Promise<'sent' | 'skipped'> {
  const pending = await loadWithdrawalMail(ctx, requestId);
  if (pending.status === 'missing' || pending.status === 'sent') return 'skipped';
  if (pending.status === 'void') {
    await clearWithdrawalMail(ctx, requestId, false);
    return 'skipped';
  }
  await sendWorkspaceMail(ctx, deps, pending.workspaceId, withdrawalRequestMail(pending.email, deps.publicUrl, pending.token), {
    ids: { withdrawalRequestId: requestId },
    failure: 'The withdrawal link could not be mailed',
  });
  await clearWithdrawalMail(ctx, requestId, true);
  deps.logger.info({ withdrawalRequestId: requestId }, 'withdrawal link mailed');
  return 'sent';
}
