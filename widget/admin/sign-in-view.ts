import { ApiError } from './api-client.js';
import { el, replaceChildren } from './dom-builder.js';
import { createField } from './form-field.js';
import { errorMessage } from './status-messages.js';

/**
 * The sign-in form: one password-type "API key" field. `submit` checks the key and throws on
 * refusal; a 401 becomes a plain "not accepted" message, never the key itself.
 */
export function showSignIn(root: HTMLElement, options: { readonly notice?: string; submit(key: string): Promise<void> }): void {
  const key = createField({
    label: 'API key',
    control: el('input', { className: 'input mono', attrs: { type: 'password', name: 'api-key', autocomplete: 'off', spellcheck: 'false', autocapitalize: 'off', required: true } }),
    hint: 'The workspace API key (it starts with pk_). It stays in this browser tab only and is forgotten when you sign out or close the tab.',
  });
  const notice = el('p', { className: 'notice', attrs: { role: 'status' }, text: options.notice ?? '' });
  const button = el('button', { className: 'button primary', attrs: { type: 'submit' }, text: 'Sign in' });
  const form = el('form', { className: 'card sign-in', attrs: { novalidate: true, 'aria-labelledby': 'sign-in-title' } }, [
    el('h1', { attrs: { id: 'sign-in-title' }, text: 'Parley console' }),
    el('p', { className: 'muted', text: 'Sign in with your workspace API key to browse and manage its data, flows and settings.' }),
    notice,
    key.element,
    el('div', { className: 'actions' }, [button]),
  ]);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    key.clearError();
    notice.textContent = '';
    const value = key.control.value.trim();
    if (value === '') {
      key.showError('Enter your API key.');
      key.control.focus();
      return;
    }
    button.disabled = true;
    try {
      await options.submit(value);
    } catch (failure) {
      button.disabled = false;
      key.showError(failure instanceof ApiError && failure.status === 401 ? 'This API key was not accepted. Check it and try again.' : errorMessage(failure));
      key.control.focus();
      (key.control as HTMLInputElement).select();
    }
  });
  replaceChildren(root, [el('main', { className: 'center' }, [form])]);
  key.control.focus();
}
