import type { ConfirmationMessage } from '../../storage/consent-repository.js';
import type { OutgoingMail } from './smtp-mailer.js';

/** `{{link}}` (spaces allowed inside the braces), where a confirmation mail puts its link. */
export const LINK_PLACEHOLDER = /\{\{\s*link\s*\}\}/g;

/** `{{withdraw_link}}`, where it may put the link that withdraws the consent. */
export const WITHDRAW_LINK_PLACEHOLDER = /\{\{\s*withdraw_link\s*\}\}/g;

/**
 * The public confirmation link of a token.
 *
 * @example confirmationLink('https://chat.example.org/', 'abc') // 'https://chat.example.org/consents/confirm/abc'
 */
export function confirmationLink(publicUrl: string, token: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/consents/confirm/${encodeURIComponent(token)}`;
}

/**
 * The public withdrawal link of a token (the same token: it names the consent).
 *
 * @example withdrawalLink('https://chat.example.org', 'abc') // 'https://chat.example.org/consents/withdraw/abc'
 */
export function withdrawalLink(publicUrl: string, token: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/consents/withdraw/${encodeURIComponent(token)}`;
}

/** The mail to send: the message with every `{{link}}` and `{{withdraw_link}}` replaced by its link. */
export function confirmationMail(to: string, message: ConfirmationMessage, publicUrl: string, token: string): OutgoingMail {
  const text = message.text.replace(LINK_PLACEHOLDER, () => confirmationLink(publicUrl, token)).replace(WITHDRAW_LINK_PLACEHOLDER, () => withdrawalLink(publicUrl, token));
  return { to, subject: message.subject, text };
}
