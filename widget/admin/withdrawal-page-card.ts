import type { ConsoleContext } from './console-context.js';
import { el } from './dom-builder.js';
import { secretField } from './secret-field.js';

/**
 * Where people withdraw their consents themselves (the public request page: they give their
 * address and get a link by mail), for the owner to link from the privacy policy. A workspace
 * without mail settings has no such page yet: the card says so.
 */
export function withdrawalPageCard(ctx: ConsoleContext): HTMLElement {
  const workspace = ctx.workspace();
  const heading = el('h3', { text: 'Withdrawal by the person' });
  if (!workspace.withdrawalPage) {
    return el('section', { className: 'card withdrawal-page', attrs: { 'aria-label': 'Withdrawal by the person' } }, [
      heading,
      el('p', { className: 'muted', text: 'Set up mail in Settings to give people a page where they withdraw their consents themselves: a link by mail to the address they consented with.' }),
    ]);
  }
  const field = secretField({ label: 'Withdrawal page', value: workspace.withdrawalPage, copyLabel: 'Copy the withdrawal page address', copiedText: 'Address copied.' });
  return el('section', { className: 'card withdrawal-page', attrs: { 'aria-label': 'Withdrawal by the person' } }, [
    heading,
    el('p', { className: 'muted', text: 'Link this page from your privacy policy: there people give their address, get a link by mail at the address they consented with, and withdraw every consent given with it.' }),
    field.element,
  ]);
}
