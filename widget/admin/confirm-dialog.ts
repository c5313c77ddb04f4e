import { el, uniqueId } from './dom-builder.js';
import { openModal } from './modal-dialog.js';

/** What a confirmation asks. */
export interface ConfirmOptions {
  readonly title: string;
  readonly message: string;
  /** The label of the button that goes ahead, e.g. "Delete row". */
  readonly confirmLabel: string;
  /** When set, the confirm button stays disabled until exactly this text is typed. */
  readonly typeToConfirm?: string;
}

/**
 * An accessible confirmation (a modal dialog, not `window.confirm`): resolves true when the
 * owner confirms, false on Cancel or Escape. Cancel has the focus first, unless a text must be typed.
 *
 * @example
 * if (await confirmAction({ title: 'Delete this row?', message: '…', confirmLabel: 'Delete row' })) await api.deleteRow(t, id);
 */
export function confirmAction(options: ConfirmOptions): Promise<boolean> {
  return new Promise((resolve) => {
    let answer = false;
    const modal = openModal({ title: options.title, description: options.message, className: 'confirm', onClose: () => resolve(answer) });
    const confirm = el('button', { className: 'button danger', attrs: { type: 'submit', disabled: options.typeToConfirm !== undefined }, text: options.confirmLabel });
    const cancel = el('button', { className: 'button', attrs: { type: 'button', autofocus: options.typeToConfirm === undefined }, text: 'Cancel', on: { click: () => modal.close() } });
    const form = el('form', { className: 'dialog-form', attrs: { novalidate: true } });
    if (options.typeToConfirm !== undefined) {
      const expected = options.typeToConfirm;
      const id = uniqueId('confirm-text');
      const input = el('input', { className: 'input', attrs: { id, type: 'text', autocomplete: 'off', spellcheck: 'false', autocapitalize: 'off', autofocus: true } });
      input.addEventListener('input', () => {
        confirm.disabled = input.value !== expected;
      });
      form.appendChild(el('div', { className: 'field' }, [el('label', { attrs: { for: id } }, ['Type ', el('strong', { text: expected }), ' to confirm']), input]));
    }
    form.appendChild(el('div', { className: 'actions' }, [cancel, confirm]));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      if (confirm.disabled) return;
      answer = true;
      modal.close();
    });
    modal.body.appendChild(form);
    (modal.element.querySelector('[autofocus]') as HTMLElement | null)?.focus();
  });
}
