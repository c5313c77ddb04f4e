import { element } from '../shadow-mount.js';

/** The error line under a field, referenced by the field's `aria-describedby`. */
export interface FieldError {
  readonly node: HTMLElement;
  show(message: string): void;
}

/** Creates the polite live region that carries a field's validation message. */
export function fieldError(id: string, ...fields: HTMLElement[]): FieldError {
  const node = element('p', 'field-error', { id, 'aria-live': 'polite' });
  for (const field of fields) field.setAttribute('aria-describedby', id);
  return {
    node,
    show(message) {
      node.textContent = message;
      for (const field of fields) {
        if (message) field.setAttribute('aria-invalid', 'true');
        else field.removeAttribute('aria-invalid');
      }
    },
  };
}
