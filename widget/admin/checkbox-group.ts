import { el } from './dom-builder.js';

/** A group of checkboxes under a legend, one per choice, with an error line. */
export interface CheckboxGroup {
  readonly element: HTMLFieldSetElement;
  /** The values ticked, in the choices' order. */
  checked(): string[];
  showError(message: string): void;
  clearError(): void;
}

/**
 * Checkboxes for some of a fixed set of values (a share step's networks, a condition's values):
 * each named by its label, the group by `legend` (and `hint` under it), `ticked` ticked at first.
 */
export function checkboxGroup(options: {
  readonly legend: string;
  readonly hint?: string | undefined;
  readonly choices: ReadonlyArray<{ readonly value: string; readonly label: string }>;
  readonly ticked: ReadonlySet<string>;
  readonly className: string;
}): CheckboxGroup {
  const boxes = options.choices.map((choice) => ({ value: choice.value, box: el('input', { attrs: { type: 'checkbox', value: choice.value, checked: options.ticked.has(choice.value) } }), label: choice.label }));
  const error = el('p', { className: 'field-error', attrs: { hidden: true, role: 'alert' } });
  const element = el('fieldset', { className: options.className }, [
    el('legend', { text: options.legend }),
    options.hint ? el('p', { className: 'hint', text: options.hint }) : null,
    ...boxes.map((b) => el('label', {}, [b.box, ` ${b.label}`])),
    error,
  ]);
  return {
    element,
    checked: () => boxes.filter((b) => b.box.checked).map((b) => b.value),
    showError(message) {
      error.textContent = message;
      error.hidden = false;
    },
    clearError() {
      error.hidden = true;
    },
  };
}
