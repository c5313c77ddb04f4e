import type { InputRequest } from '../../core/chat-protocol.js';
import { element } from '../shadow-mount.js';
import { fieldError } from './field-error.js';
import type { InputContext, InputView } from './input-view.js';
import { termsLine } from './message-view.js';

type FieldRequest = Extract<InputRequest, { kind: 'text' | 'email' }>;

/** The field's type: an email, a telephone number, a date (the browser's date picker, sent as YYYY-MM-DD) or text. */
function inputType(request: FieldRequest): string {
  if (request.kind === 'email') return 'email';
  return request.format === 'phone' ? 'tel' : request.format === 'date' ? 'date' : 'text';
}

/** The message for a value the server would refuse anyway, or `''` when it may be sent. */
function localProblem(request: FieldRequest, input: HTMLInputElement, context: InputContext): string {
  // A date field half filled in reads as empty: say so rather than send nothing.
  if (request.kind === 'text' && request.format === 'date' && input.validity.badInput) return context.strings.invalidDate;
  const value = input.value.trim();
  const required = request.kind === 'email' || request.required;
  if (required && value === '') return context.strings.fieldRequired;
  if (request.kind === 'text' && value.length > request.maxLength) return context.strings.fieldTooLong(request.maxLength);
  if (request.kind === 'email' && value !== '' && input.validity.typeMismatch) return context.strings.invalidEmail;
  return '';
}

/**
 * Under an email field: its notice (what the address is used for), described by the field, and
 * the terms link. Text only: the notice is never read as markup.
 */
function appendEmailTerms(form: HTMLElement, input: HTMLInputElement, request: Extract<FieldRequest, { kind: 'email' }>, context: InputContext): void {
  if (request.notice) {
    const noticeId = `${context.id}-field-notice`;
    const notice = element('p', 'field-notice', { id: noticeId });
    notice.textContent = request.notice;
    form.append(notice);
    const described = input.getAttribute('aria-describedby');
    input.setAttribute('aria-describedby', described ? `${described} ${noticeId}` : noticeId);
  }
  const terms = termsLine(request.termsUrl, request.termsLabel, context.strings.terms, 'field-notice');
  if (terms) form.append(terms);
}

/** A labelled text or email field with a send button; checks required and length before sending. */
export function renderFieldInput(request: FieldRequest, context: InputContext): InputView {
  const fieldId = `${context.id}-field`;
  const form = element('form', 'field-form', { novalidate: '' });
  const label = element('label', 'field-label', { for: fieldId });
  label.textContent = request.label;
  const input = element('input', 'field', { id: fieldId, type: inputType(request), enterkeyhint: 'send' });
  if (request.kind === 'email') {
    input.autocomplete = 'email';
    input.required = true;
  } else {
    input.required = request.required;
    if (request.format === 'phone') input.autocomplete = 'tel';
    if (request.format === 'date') {
      if (request.max) input.max = request.max;
      if (request.birthDate) input.setAttribute('autocomplete', 'bday');
    } else if (request.maxLength > 0) input.maxLength = request.maxLength;
  }
  if (request.placeholder) input.placeholder = request.placeholder;
  const send = element('button', 'primary', { type: 'submit' });
  send.textContent = context.strings.send;
  const row = element('div', 'field-row');
  row.append(input, send);
  const error = fieldError(`${context.id}-field-error`, input);
  form.append(label, row, error.node);
  if (request.kind === 'email') appendEmailTerms(form, input, request, context);

  input.addEventListener('input', () => error.show(''));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const problem = localProblem(request, input, context);
    error.show(problem);
    if (problem) {
      input.focus();
      return;
    }
    const value = input.value.trim();
    context.submit(value, value);
  });

  return {
    root: form,
    focusTarget: input,
    showError(message) {
      error.show(message);
      input.focus();
    },
    setBusy(busy) {
      input.readOnly = busy;
      send.disabled = busy;
    },
  };
}
