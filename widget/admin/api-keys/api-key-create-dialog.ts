import { ApiError } from '../api-client.js';
import { el, replaceChildren } from '../dom-builder.js';
import { createField } from '../form-field.js';
import { openModal } from '../modal-dialog.js';
import { secretField } from '../secret-field.js';
import { errorMessage } from '../status-messages.js';
import { API_PARTS, type ApiKeyApi } from './api-key-api.js';
import { checkboxGroup } from '../checkbox-group.js';

/** The expiries offered: days (none: never) and what they are called. */
const EXPIRIES: ReadonlyArray<readonly [string, string]> = [['', 'Never'], ['30', 'In 30 days'], ['90', 'In 90 days'], ['365', 'In a year']];

/**
 * Issues a key: its name, access, parts of the API (all, or some) and expiry, then the key itself shown this once with a copy button (only its
 * SHA-256 is kept); closing the dialog forgets it and runs `onDone`.
 */
export function openApiKeyCreateDialog(api: ApiKeyApi, onDone: () => void): void {
  const modal = openModal({
    title: 'Issue an API key',
    description: 'A key opens this workspace through the admin API and the console, with full access or to read only, to all of it or to some parts. Give one to each system or person, so each can be revoked on its own.',
    onClose: onDone,
  });
  const name = createField({
    label: 'Name',
    control: el('input', { className: 'input', attrs: { type: 'text', required: true, maxlength: 100, autocomplete: 'off', placeholder: 'CRM sync' } }),
    hint: 'What the key is for: shown in the key list and the audit log.',
  });
  const access = createField({
    label: 'Access',
    control: el('select', { className: 'input' }, [
      el('option', { attrs: { value: 'full' }, text: 'Full access' }),
      el('option', { attrs: { value: 'read' }, text: 'Read only' }),
    ]),
    hint: 'Read only: reads data, statistics and exports, and makes download links; changes nothing.',
  });
  const parts = checkboxGroup({
    legend: 'Parts of the API',
    hint: 'Untick what the key has no business with: a CRM that reports unsubscribes needs Data subjects only. A key limited to some parts never manages keys.',
    choices: API_PARTS,
    ticked: new Set(API_PARTS.map((part) => part.value)),
    className: 'field checkbox-group',
  });
  const expires = createField({
    label: 'Expires',
    control: el('select', { className: 'input' }, EXPIRIES.map(([days, text]) => el('option', { attrs: { value: days }, text }))),
    hint: 'A key for one campaign or one contract can stop working by itself; a key that never expires works until it is revoked.',
  });
  const error = el('p', { className: 'error', attrs: { role: 'alert' } });
  const issue = el('button', { className: 'button primary', attrs: { type: 'submit' }, text: 'Issue key' });
  const cancel = el('button', { className: 'button', attrs: { type: 'button' }, text: 'Cancel', on: { click: () => modal.close() } });
  const form = el('form', { className: 'dialog-form', attrs: { novalidate: true } }, [name.element, access.element, parts.element, expires.element, error, el('div', { className: 'actions' }, [cancel, issue])]);
  modal.body.appendChild(form);
  name.control.focus();

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    name.clearError();
    parts.clearError();
    error.textContent = '';
    if (name.control.value.trim() === '') {
      name.showError('Name the key: what is it for?');
      return name.control.focus();
    }
    const scopes = parts.checked();
    if (scopes.length === 0) return parts.showError('Tick at least one part of the API.');
    issue.disabled = true;
    try {
      const days = expires.control.value === '' ? undefined : Number(expires.control.value);
      const options = {
        access: access.control.value === 'read' ? ('read' as const) : ('full' as const),
        ...(scopes.length < API_PARTS.length && { scopes }),
        ...(days !== undefined && { expiresInDays: days }),
      };
      showKey((await api.create(name.control.value.trim(), options)).key);
    } catch (failure) {
      issue.disabled = false;
      if (failure instanceof ApiError && failure.path === '/name') {
        name.showError(errorMessage(failure));
        name.control.focus();
      } else error.textContent = errorMessage(failure);
    }
  });

  function showKey(key: string): void {
    const field = secretField({ label: 'API key', value: key, copyLabel: 'Copy API key', copiedText: 'Key copied.' });
    const done = el('button', { className: 'button primary', attrs: { type: 'button' }, text: 'Done', on: { click: () => modal.close() } });
    replaceChildren(modal.body, [
      el('p', { className: 'notice', text: 'Copy the key now: it is shown only this once. Send it as "Authorization: Bearer <key>", or sign in to the console with it.' }),
      field.element,
      el('div', { className: 'actions' }, [done]),
    ]);
    field.input.focus();
    field.input.select();
  }
}
