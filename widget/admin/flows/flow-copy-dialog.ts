import { ApiError, type AdminApi } from '../api-client.js';
import type { Flow } from '../api-types.js';
import { el } from '../dom-builder.js';
import { createField } from '../form-field.js';
import { openModal } from '../modal-dialog.js';
import { errorMessage } from '../status-messages.js';

/**
 * Copies a flow under a new id and name (the start of the next campaign): its steps, texts and
 * window. A refusal shows at the field it names (an id already taken); `onCopied` gets the copy.
 */
export function openFlowCopyDialog(api: AdminApi, flow: Flow, onCopied: (copy: Flow) => void): void {
  const modal = openModal({
    title: `Copy ${flow.name}`,
    description: 'The copy has the same steps, texts and open window, and is open at once under its own id: change its dates before embedding it. Instant-win moments are drawn anew; codes, rows, exports and statistics stay with the original.',
  });
  const name = createField({ label: 'Name', control: el('input', { className: 'input', attrs: { type: 'text', maxlength: 200, value: `${flow.name} (copy)` } }) });
  const slug = createField({
    label: 'Flow id',
    control: el('input', { className: 'input mono', attrs: { type: 'text', maxlength: 64, value: `${flow.id.slice(0, 59)}-copy`, spellcheck: 'false', autocapitalize: 'off' } }),
    hint: 'What the widget names (data-flow): lowercase letters, digits, - and _.',
  });
  const error = el('p', { className: 'error', attrs: { role: 'alert' } });
  const copy = el('button', { className: 'button primary', attrs: { type: 'submit' }, text: 'Copy flow' });
  const cancel = el('button', { className: 'button', attrs: { type: 'button' }, text: 'Cancel', on: { click: () => modal.close() } });
  const form = el('form', { className: 'dialog-form', attrs: { novalidate: true } }, [name.element, slug.element, error, el('div', { className: 'actions' }, [cancel, copy])]);
  modal.body.appendChild(form);
  slug.control.focus();

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    for (const field of [name, slug]) field.clearError();
    error.textContent = '';
    copy.disabled = true;
    try {
      const copied = await api.copyFlow(flow.id, slug.control.value.trim(), name.control.value.trim() || undefined);
      modal.close();
      onCopied(copied);
    } catch (failure) {
      copy.disabled = false;
      const field = failure instanceof ApiError ? { '/slug': slug, '/name': name }[failure.path ?? ''] : undefined;
      if (field) {
        field.showError(errorMessage(failure));
        field.control.focus();
      } else error.textContent = errorMessage(failure);
    }
  });
}
