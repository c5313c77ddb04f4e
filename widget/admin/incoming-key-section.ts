import { ApiError, type AdminApi } from './api-client.js';
import type { WorkspaceGpgKey } from './api-types.js';
import { copyText } from './clipboard.js';
import { confirmAction } from './confirm-dialog.js';
import { el, replaceChildren, uniqueId } from './dom-builder.js';
import { errorMessage } from './status-messages.js';
import { formatInstant } from './time-format.js';
import { WRITES } from './write-actions.js';

/** A fingerprint as gpg prints it: groups of four hex digits. */
const grouped = (fingerprint: string) => fingerprint.replace(/(.{4})(?=.)/g, '$1 ');

/**
 * Settings → Incoming files: the workspace's public GPG key (fingerprint, when made, the armored
 * key with a copy button) for partners who send code lists encrypted, and Create key / Replace
 * key (a replacement behind a confirmation: files encrypted to the old key can no longer be read).
 */
export function createIncomingKeySection(api: AdminApi, options: { readonly timeZone: string; readonly announce: (message: string) => void }): HTMLElement {
  const body = el('div', {}, [el('p', { className: 'muted', text: 'Loading…' })]);
  const error = el('p', { className: 'error', attrs: { role: 'alert' } });
  const section = el('section', { className: 'card incoming-key', attrs: { 'aria-labelledby': 'incoming-key-title' } }, [
    el('h3', { attrs: { id: 'incoming-key-title' }, text: 'Incoming files' }),
    el('p', { className: 'hint', text: 'Partners may send code lists encrypted to this workspace’s public GPG key; Parley decrypts them as they arrive. The private key never leaves Parley.' }),
    error,
    body,
  ]);

  function show(key: WorkspaceGpgKey | undefined): void {
    const create = el('button', { className: key ? 'button' : 'button primary', attrs: { type: 'button', ...WRITES }, text: key ? 'Replace key' : 'Create key', on: { click: () => void make(create, key !== undefined) } });
    if (!key) return replaceChildren(body, [el('p', { text: 'No key yet: an encrypted upload is refused until there is one.' }), create]);
    const id = uniqueId('public-key');
    const text = el('textarea', { className: 'input mono', attrs: { id, readonly: true, rows: 8, spellcheck: 'false' }, text: key.publicKey });
    const copied = el('span', { className: 'hint', attrs: { role: 'status' } });
    const copy = el('button', { className: 'button', attrs: { type: 'button' }, text: 'Copy public key', on: {
      click: async () => {
        copied.textContent = (await copyText(key.publicKey, text)) ? 'Public key copied.' : 'Copy failed: select the key and copy it by hand.';
      },
    } });
    replaceChildren(body, [
      el('dl', { className: 'values' }, [
        el('dt', { text: 'Fingerprint' }), el('dd', { className: 'mono', text: grouped(key.fingerprint) }),
        el('dt', { text: 'Created' }), el('dd', {}, [el('time', { attrs: { datetime: key.createdAt }, text: formatInstant(key.createdAt, options.timeZone) })]),
      ]),
      el('div', { className: 'field' }, [el('label', { attrs: { for: id }, text: 'Public key' }), text]),
      el('div', { className: 'actions' }, [copy, create]),
      copied,
    ]);
  }

  async function make(button: HTMLButtonElement, replacing: boolean): Promise<void> {
    if (replacing && !(await confirmAction({ title: 'Replace the GPG key?', message: 'Files already encrypted to the current key can no longer be read: partners must encrypt to the new one.', confirmLabel: 'Replace key' }))) return;
    error.textContent = '';
    button.disabled = true; // One key per press: a second one would replace the first at once.
    try {
      show(await api.createWorkspaceGpgKey());
      body.querySelector<HTMLButtonElement>('button')?.focus();
      options.announce(replacing ? 'GPG key replaced.' : 'GPG key created.');
    } catch (failure) {
      error.textContent = errorMessage(failure);
      button.disabled = false;
    }
  }

  api.workspaceGpgKey().then(show, (failure: unknown) => {
    if (failure instanceof ApiError && failure.status === 404) show(undefined);
    else error.textContent = errorMessage(failure);
  });
  return section;
}
