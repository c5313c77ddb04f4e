import type { AdminApi } from './api-client.js';
import type { DownloadLink } from './api-types.js';
import { el, replaceChildren, uniqueId } from './dom-builder.js';
import { openModal } from './modal-dialog.js';
import { secretField } from './secret-field.js';
import { tableLabel } from './table-labels.js';
import { formatInstant } from './time-format.js';
import { errorMessage } from './status-messages.js';

export const ACCEPT_LABEL = 'I accept responsibility for this file';

/** What the owner commits to before any file leaves Parley; the API's `acceptTerms` stands for these. */
export const DOWNLOAD_TERMS = [
  'I will delete the file as soon as I no longer need it.',
  'I will not pass it on unencrypted, for example by email.',
  'I will keep the password secret.',
  'Once downloaded, the file leaves Parley and is my responsibility.',
] as const;

/** An issued link, and the name of the ZIP it downloads. */
export interface IssuedZip {
  readonly link: DownloadLink;
  readonly zipName: string;
}

/** One kind of download: its dialog's title and description, and how its link is issued. */
export interface DownloadDialogOptions {
  readonly title: string;
  readonly description: string;
  readonly timeZone: string;
  /** Asks the API for the link, once the terms are accepted. */
  readonly issue: () => Promise<IssuedZip>;
}

/**
 * The download flow for anything that leaves Parley: the owner reads the terms and accepts
 * responsibility for the file, then the API issues a one-time link to an AES-256 ZIP; the link,
 * its password (shown this once, with a copy button) and its expiry appear. Closing the dialog
 * removes it, so the password is forgotten.
 */
export function openDownloadDialog(options: DownloadDialogOptions): void {
  const modal = openModal({ title: options.title, description: options.description, className: 'download' });
  const checkboxId = uniqueId('accept');
  const termsId = uniqueId('terms');
  const checkbox = el('input', { attrs: { type: 'checkbox', id: checkboxId, 'aria-describedby': termsId } });
  const create = el('button', { className: 'button primary', attrs: { type: 'submit', disabled: true }, text: 'Create download link' });
  const cancel = el('button', { className: 'button', attrs: { type: 'button' }, text: 'Cancel', on: { click: () => modal.close() } });
  const error = el('p', { className: 'error', attrs: { role: 'alert' } });
  checkbox.addEventListener('change', () => {
    create.disabled = !checkbox.checked;
  });
  const form = el('form', { className: 'dialog-form', attrs: { novalidate: true } }, [
    el('ul', { className: 'terms', attrs: { id: termsId, 'aria-label': 'Terms of the download' } }, DOWNLOAD_TERMS.map((term) => el('li', { text: term }))),
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
      showLink(await options.issue());
    } catch (failure) {
      error.textContent = errorMessage(failure);
      create.disabled = false;
    }
  });
  modal.body.appendChild(form);
  checkbox.focus();

  function showLink({ link, zipName }: IssuedZip): void {
    const password = secretField({ label: 'ZIP password', value: link.password, copyLabel: 'Copy password', copiedText: 'Password copied.' });
    const done = el('button', { className: 'button primary', attrs: { type: 'button' }, text: 'Close', on: { click: () => modal.close() } });
    replaceChildren(modal.body, [
      el('p', { className: 'notice', text: 'Write the password down now: it is shown only this once and cannot be shown again.' }),
      el('p', {}, [el('a', { className: 'download-link', attrs: { href: link.url, download: zipName, rel: 'noreferrer' }, text: `Download ${zipName}` })]),
      password.element,
      el('p', { className: 'hint' }, ['The link works once and expires at ', el('time', { attrs: { datetime: link.expiresAt }, text: formatInstant(link.expiresAt, options.timeZone) }), ` (${options.timeZone}).`]),
      el('div', { className: 'actions' }, [done]),
    ]);
    password.input.focus();
    password.input.select();
  }
}

/** The download of a table, or of the rows one flow stored in it, as CSV in an encrypted ZIP. */
export function openTableDownload(api: AdminApi, table: string, timeZone: string, flow?: { readonly flowId: string; readonly name: string }): void {
  openDownloadDialog({
    title: `Download ${tableLabel(table)}`,
    description: `The file is a CSV of ${flow ? `the rows ${flow.name} stored` : 'every row'} in a ZIP encrypted with AES-256. It contains personal data.`,
    timeZone,
    issue: async () => ({ link: await api.createDownload(table, flow?.flowId), zipName: `${table}.zip` }),
  });
}
