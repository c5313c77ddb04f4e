import { el, uniqueId } from './dom-builder.js';

type Control = HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement;

/** A labelled control with an optional hint and an error slot tied to it by aria-describedby. */
export interface FormField {
  readonly element: HTMLElement;
  readonly control: Control;
  showError(message: string): void;
  clearError(): void;
}

/**
 * Wraps a control with its `<label>`, hint and error message. A checkbox gets its label after it.
 *
 * @example
 * const zone = createField({ label: 'Time zone', control: el('input', { attrs: { type: 'text' } }) });
 */
export function createField(options: { readonly label: string; readonly control: Control; readonly hint?: string; readonly suffix?: string; readonly className?: string }): FormField {
  const { control } = options;
  const id = control.id || uniqueId('field');
  control.id = id;
  const hintId = options.hint || options.suffix ? uniqueId('hint') : undefined;
  const errorId = uniqueId('error');
  control.setAttribute('aria-describedby', [hintId, errorId].filter(Boolean).join(' '));
  const label = el('label', { attrs: { for: id }, text: options.label });
  const hint = options.hint ? el('p', { className: 'hint', attrs: { id: hintId }, text: options.hint }) : undefined;
  const suffix = options.suffix ? el('span', { className: 'suffix', attrs: { id: hintId }, text: options.suffix }) : undefined;
  const error = el('p', { className: 'field-error', attrs: { id: errorId, hidden: true } });
  const isCheckbox = control instanceof HTMLInputElement && control.type === 'checkbox';
  const element = isCheckbox
    ? el('div', { className: `field check ${options.className ?? ''}`.trim() }, [control, el('div', {}, [label, hint, error])])
    : el('div', { className: `field ${options.className ?? ''}`.trim() }, [label, suffix ? el('div', { className: 'with-suffix' }, [control, suffix]) : control, hint, error]);
  return {
    element,
    control,
    showError(message: string) {
      error.textContent = message;
      error.hidden = false;
      control.setAttribute('aria-invalid', 'true');
    },
    clearError() {
      error.textContent = '';
      error.hidden = true;
      control.removeAttribute('aria-invalid');
    },
  };
}
