import type { ConfirmationMessage } from '../../storage/consent-repository.js';
import type { OutgoingMail } from './smtp-mailer.js';

/** `{{link}}` (spaces allowed inside the braces), where a confirmation mail puts its link. */
export const LINK_PLACEHOLDER = /\{\{\s*link\s*\}\}/g;

/**
 * The public confirmation link of a token.
 *
 * @example confirmationLink('https://chat.example.org/', 'abc') // 'https://chat.example.org/consents/confirm/abc'
 */
export function confirmationLink(publicUrl: string, token: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/consents/confirm/${encodeURIComponent(token)}`;
}

/** The mail to send: the message with every `{{link}}` replaced by the link. */
export function confirmationMail(to: string, message: ConfirmationMessage, link: string): OutgoingMail {
  return { to, subject: message.subject, text: message.text.replace(LINK_PLACEHOLDER, () => link) };
}
