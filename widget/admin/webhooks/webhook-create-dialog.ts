import { ApiError } from '../api-client.js';
import { el, replaceChildren } from '../dom-builder.js';
import { createField } from '../form-field.js';
import { openModal } from '../modal-dialog.js';
import { secretField } from '../secret-field.js';
import { errorMessage } from '../status-messages.js';
import { eventCheckboxes } from './event-checkboxes.js';
import type { WebhookApi } from './webhook-api.js';

/**
 * Adds an endpoint: URL, description, events, personal fields opt-in. A refusal is shown beside
 * the field its JSON path names. Once created, the signing secret is shown this once with a copy
 * button; closing the dialog forgets it and runs `onDone`.
 */
export function openWebhookCreateDialog(api: WebhookApi, events: readonly string[], onDone: () => void): void {
  const modal = openModal({
    title: 'Add a webhook endpoint',
    description: 'Parley POSTs each chosen event to this URL as JSON, signed with a secret you get once it is added.',
    onClose: onDone,
  });
  const url = createField({
    label: 'Endpoint URL',
    control: el('input', { className: 'input mono', attrs: { type: 'url', required: true, maxlength: 2000, autocomplete: 'off', spellcheck: 'false', placeholder: 'https://crm.example.org/parley' } }),
    hint: 'https:// recommended. Addresses on private networks are refused unless the server allows them.',
  });
  const description = createField({ label: 'Description (optional)', control: el('input', { className: 'input', attrs: { type: 'text', maxlength: 200, autocomplete: 'off' } }) });
  const chosen = eventCheckboxes({ legend: 'Events', events, checked: ['participation.created'] });
  const personal = createField({
    label: 'Include personal fields',
    control: el('input', { attrs: { type: 'checkbox' } }),
    hint: 'Sends what visitors entered (such as their email) to this URL. Leave off unless the receiver needs it and is allowed to hold it.',
  });
  const error = el('p', { className: 'error', attrs: { role: 'alert' } });
  const add = el('button', { className: 'button primary', attrs: { type: 'submit' }, text: 'Add endpoint' });
  const cancel = el('button', { className: 'button', attrs: { type: 'button' }, text: 'Cancel', on: { click: () => modal.close() } });
  const form = el('form', { className: 'dialog-form', attrs: { novalidate: true } }, [url.element, description.element, chosen.element, personal.element, error, el('div', { className: 'actions' }, [cancel, add])]);
  modal.body.appendChild(form);
  url.control.focus();

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    url.clearError();
    chosen.clearError();
    error.textContent = '';
    if (url.control.value.trim() === '') {
      url.showError('Enter the URL that receives the events.');
      return url.control.focus();
    }
    if (chosen.selected().length === 0) {
      chosen.showError('Choose at least one event.');
      return chosen.focus();
    }
    add.disabled = true;
    try {
      const created = await api.create({
        url: url.control.value.trim(),
        description: description.control.value.trim(),
        events: chosen.selected(),
        includePersonal: (personal.control as HTMLInputElement).checked,
      });
      showSecret(created.secret);
    } catch (failure) {
      add.disabled = false;
      const path = failure instanceof ApiError ? failure.path ?? '' : '';
      if (path === '/url') {
        url.showError(errorMessage(failure));
        url.control.focus();
      } else if (path.startsWith('/events')) chosen.showError(errorMessage(failure));
      else error.textContent = errorMessage(failure);
    }
  });

  function showSecret(secret: string): void {
    const field = secretField({ label: 'Signing secret', value: secret, copyLabel: 'Copy signing secret', copiedText: 'Secret copied.' });
    const done = el('button', { className: 'button primary', attrs: { type: 'button' }, text: 'Done', on: { click: () => modal.close() } });
    replaceChildren(modal.body, [
      el('p', { className: 'notice', text: 'Copy the signing secret now: it is shown only this once. The receiver checks the Parley-Signature header of each delivery with it.' }),
      field.element,
      el('p', { className: 'hint', text: 'Parley-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" keyed with this secret>.' }),
      el('div', { className: 'actions' }, [done]),
    ]);
    field.input.focus();
    field.input.select();
  }
}
