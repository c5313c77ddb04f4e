import { consentLink } from './confirmation-mail.js';
import type { OutgoingMail } from './smtp-mailer.js';
import type { PageLanguage } from '../http/consent-page-text.js';
import { sendWorkspaceMail, type ConsentMailDeps } from './workspace-mail.js';
import { clearWithdrawalMail, loadWithdrawalMail, WITHDRAWAL_LINK_TTL_MS } from '../../storage/withdrawal-requests.js';
import type { StoreContext } from '../../storage/store-context.js';

const HOURS = WITHDRAWAL_LINK_TTL_MS / 3_600_000;

/**
 * The mail that carries a requested withdrawal link, in each language of the request page (the
 * one the person asked in); `{{link}}` is where the link goes.
 */
export const WITHDRAWAL_MAILS: Readonly<Record<PageLanguage, { readonly subject: string; readonly text: string }>> = Object.freeze({
  en: {
    subject: 'Withdraw your consent',
    text: `Someone, we hope you, asked to withdraw the consent given with this email address.

To withdraw every consent given with it, open this link and press its button:
{{link}}

The link works for ${HOURS} hours. If you did not ask, ignore this mail: nothing changes.`,
  },
  fr: {
    subject: 'Retirer votre consentement',
    text: `Quelqu’un, nous espérons que c’est vous, a demandé à retirer le consentement donné avec cette adresse e-mail.

Pour retirer chaque consentement donné avec elle, ouvrez ce lien et appuyez sur son bouton :
{{link}}

Le lien est valable ${HOURS} heures. Si vous n’avez rien demandé, ignorez ce message : rien ne change.`,
  },
  de: {
    subject: 'Einwilligung widerrufen',
    text: `Jemand, hoffentlich Sie, hat den Widerruf der mit dieser E-Mail-Adresse erteilten Einwilligung angefordert.

Um jede mit ihr erteilte Einwilligung zu widerrufen, öffnen Sie diesen Link und drücken Sie die Schaltfläche:
{{link}}

Der Link gilt ${HOURS} Stunden. Wenn Sie nichts angefordert haben, ignorieren Sie diese E-Mail: Es ändert sich nichts.`,
  },
  es: {
    subject: 'Retirar su consentimiento',
    text: `Alguien, esperamos que usted, ha pedido retirar el consentimiento dado con esta dirección de correo electrónico.

Para retirar todos los consentimientos dados con ella, abra este enlace y pulse su botón:
{{link}}

El enlace es válido durante ${HOURS} horas. Si no lo ha pedido, ignore este correo: no cambia nada.`,
  },
  it: {
    subject: 'Revoca il consenso',
    text: `Qualcuno, speriamo tu, ha chiesto di revocare il consenso dato con questo indirizzo email.

Per revocare ogni consenso dato con esso, apri questo link e premi il pulsante:
{{link}}

Il link è valido ${HOURS} ore. Se non l’hai chiesto tu, ignora questa email: non cambia nulla.`,
  },
});

/** The mail that carries a requested withdrawal link, to the address the consent was given with, in `language` (English when it is none of the mail's). */
export function withdrawalRequestMail(to: string, publicUrl: string, token: string, language: string): OutgoingMail {
  const mail = WITHDRAWAL_MAILS[language as PageLanguage] ?? WITHDRAWAL_MAILS.en;
  return { to, subject: mail.subject, text: mail.text.replace('{{link}}', consentLink(publicUrl, 'withdraw-all', token)) };
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
  await sendWorkspaceMail(ctx, deps, pending.workspaceId, withdrawalRequestMail(pending.email, deps.publicUrl, pending.token, pending.language), {
    ids: { withdrawalRequestId: requestId },
    failure: 'The withdrawal link could not be mailed',
  });
  await clearWithdrawalMail(ctx, requestId, true);
  deps.logger.info({ withdrawalRequestId: requestId }, 'withdrawal link mailed');
  return 'sent';
}
