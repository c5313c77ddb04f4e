import type { ConfirmationMessage } from '../../storage/consent-repository.js';
import type { OutgoingMail } from './smtp-mailer.js';

/** `{{link}}` (spaces allowed inside the braces), where a confirmation mail puts its link. */
export const LINK_PLACEHOLDER = /\{\{\s*link\s*\}\}/g;

/** `{{withdraw_link}}`, where it may put the link that withdraws the consent. */
export const WITHDRAW_LINK_PLACEHOLDER = /\{\{\s*withdraw_link\s*\}\}/g;

/** The public consent pages a mail links to, named by their path under `/consents/`. */
export type ConsentLinkPage = 'confirm' | 'withdraw' | 'withdraw-all';

/**
 * The public link of a consent page for a token: confirm (a double opt-in), withdraw (the
 * consent that token names), withdraw-all (every consent of the address a request was made for).
 *
 * @example consentLink('https://chat.example.org/', 'confirm', 'abc') // 'https://chat.example.org/consents/confirm/abc'
 */
export function consentLink(publicUrl: string, page: ConsentLinkPage, token: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/consents/${page}/${encodeURIComponent(token)}`;
}

/** The mail to send: the message with every `{{link}}` and `{{withdraw_link}}` replaced by its link. */
export function confirmationMail(to: string, message: ConfirmationMessage, publicUrl: string, token: string): OutgoingMail {
  const text = message.text.replace(LINK_PLACEHOLDER, () => consentLink(publicUrl, 'confirm', token)).replace(WITHDRAW_LINK_PLACEHOLDER, () => consentLink(publicUrl, 'withdraw', token));
  return { to, subject: message.subject, text };
}
