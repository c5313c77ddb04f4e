import type { InputRequest } from '../../core/chat-protocol.js';
import { element } from '../shadow-mount.js';
import { termsLine } from './message-view.js';
import { fieldError } from './field-error.js';
import type { InputContext, InputView } from './input-view.js';

type ConsentRequest = Extract<InputRequest, { kind: 'consent' }>;

/** A labelled checkbox, the terms link and a continue button; unchecked sends `false` unless required. */
export function renderConsentInput(request: ConsentRequest, context: InputContext): InputView {
  const boxId = `${context.id}-consent`;
  const form = element('form', 'consent-form', { novalidate: '' });
  const label = element('label', 'consent', { for: boxId });
  const box = element('input', '', { id: boxId, type: 'checkbox' });
  box.required = request.required;
  const text = element('span', '');
  text.textContent = request.label;
  label.append(box, text);
  form.append(label);
  const terms = termsLine(request.termsUrl, request.termsLabel, context.strings.terms);
  if (terms) form.append(terms);
  const next = element('button', 'primary', { type: 'submit' });
  next.textContent = context.strings.continue;
  const error = fieldError(`${context.id}-consent-error`, box);
  form.append(next, error.node);

  box.addEventListener('change', () => error.show(''));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (request.required && !box.checked) {
      error.show(context.strings.consentRequired);
      box.focus();
      return;
    }
    context.submit(box.checked, box.checked ? context.strings.consentGiven : context.strings.consentRefused);
  });

  return {
    root: form,
    focusTarget: box,
    showError(message) {
      error.show(message);
      box.focus();
    },
    setBusy(busy) {
      box.disabled = busy;
      next.disabled = busy;
    },
  };
}
