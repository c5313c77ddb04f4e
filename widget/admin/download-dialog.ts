import type { AdminApi } from './api-client.js';
import type { DownloadLink } from './api-types.js';
import { el, replaceChildren, uniqueId } from './dom-builder.js';
import { openModal } from './modal-dialog.js';
import { secretField } from './secret-field.js';
import { tableLabel } from './table-labels.js';
import { formatInstant } from './time-format.js';
import { errorMessage } from './status-messages.js';

export const ACCEPT_LABEL = 'I accept responsibility for this file';

/**
 * The download flow for one table: the owner first accepts responsibility for the file, then
 * the API issues a one-time link; the link, its password (shown this once, with a copy button)
 * and its expiry appear. Closing the dialog removes it, so the password is forgotten.
 */
export function openDownloadDialog(api: AdminApi, table: string, timeZone: string): void {
  const modal = openModal({
    title: `Download ${tableLabel(table)}`,
    description: 'The file is a CSV in a ZIP encrypted with AES-256. It contains personal data: once downloaded, keeping it safe and deleting it when it is no longer needed is your responsibility.',
    className: 'download',
  });
  const checkboxId = uniqueId('accept');
  const checkbox = el('input', { attrs: { type: 'checkbox', id: checkboxId } });
  const create = el('button', { className: 'button primary', attrs: { type: 'submit', disabled: true }, text: 'Create download link' });
  const cancel = el('button', { className: 'button', attrs: { type: 'button' }, text: 'Cancel', on: { click: () => modal.close() } });
  const error = el('p', { className: 'error', attrs: { role: 'alert' } });
  checkbox.addEventListener('change', () => {
    create.disabled = !checkbox.checked;
  });
  const form = el('form', { className: 'dialog-form', attrs: { novalidate: true } }, [
    el('div', { className: 'check' }, [checkbox, el('label', { attrs: { for: checkboxId }, text: ACCEPT_LABEL })]),
    error,
    el('div', { className: 'actions' }, [cancel, create]),
  ]);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!checkbox.checked) return;
    create.disabled = true;
    error.textContent = '';
    try {
      showLink(await api.createDownload(table));
    } catch (failure) {
      error.textContent = errorMessage(failure);
      create.disabled = false;
    }
  });
  modal.body.appendChild(form);
  checkbox.focus();

  function showLink(link: DownloadLink): void {
    const password = secretField({ label: 'ZIP password', value: link.password, copyLabel: 'Copy password', copiedText: 'Password copied.' });
    const done = el('button', { className: 'button primary', attrs: { type: 'button' }, text: 'Close', on: { click: () => modal.close() } });
    replaceChildren(modal.body, [
      el('p', { className: 'notice', text: 'Write the password down now: it is shown only this once and cannot be shown again.' }),
      el('p', {}, [el('a', { className: 'download-link', attrs: { href: link.url, download: `parley-${table}.zip`, rel: 'noreferrer' }, text: `Download ${table}.zip` })]),
      password.element,
      el('p', { className: 'hint' }, ['The link works once and expires at ', el('time', { attrs: { datetime: link.expiresAt }, text: formatInstant(link.expiresAt, timeZone) }), ` (${timeZone}).`]),
      el('div', { className: 'actions' }, [done]),
    ]);
    password.input.focus();
    password.input.select();
  }
}
