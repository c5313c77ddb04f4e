import type { InputRequest } from '../../core/chat-protocol.js';
import { element } from '../shadow-mount.js';
import { fieldError } from './field-error.js';
import type { InputContext, InputView } from './input-view.js';

type FileRequest = Extract<InputRequest, { kind: 'file' }>;

/** The message for a selection the server would refuse anyway, or `''` when it may be sent. */
function localProblem(request: FileRequest, file: File | undefined, context: InputContext): string {
  if (!file) return context.strings.fileRequired;
  if (file.size === 0) return context.strings.fileEmpty;
  if (file.size > request.maxBytes) return context.strings.fileTooLarge(request.maxBytes);
  return '';
}

/**
 * A labelled file picker limited to the step's types, its size limit under it, a send button,
 * and a skip button when the step is optional. The size is checked here, before anything is
 * uploaded; the type is read from the bytes by the server, which answers like any reply. A
 * file goes through `context.submitFile` (HTTP); a skip is the empty reply (socket).
 */
export function renderFileInput(request: FileRequest, context: InputContext): InputView {
  const inputId = `${context.id}-file`;
  const limitId = `${context.id}-file-limit`;
  const form = element('form', 'file-form', { novalidate: '' });
  const label = element('label', 'field-label', { for: inputId });
  label.textContent = request.label;
  const input = element('input', 'file-field', { id: inputId, type: 'file' });
  if (request.accept.length > 0) input.accept = request.accept.join(',');
  input.required = request.required;
  const send = element('button', 'primary', { type: 'submit' });
  send.textContent = context.strings.send;
  const row = element('div', 'field-row file-row');
  row.append(input, send);
  const error = fieldError(`${context.id}-file-error`, input);
  const limit = element('p', 'field-notice', { id: limitId });
  limit.textContent = context.strings.fileLimit(request.maxBytes);
  input.setAttribute('aria-describedby', `${error.node.id} ${limitId}`);
  form.append(label, row, error.node, limit);

  let skip: HTMLButtonElement | undefined;
  if (!request.required) {
    const skipLabel = request.skipLabel || context.strings.skip;
    skip = element('button', 'choice skip', { type: 'button' });
    skip.textContent = skipLabel;
    skip.addEventListener('click', () => {
      error.show('');
      context.submit('', skipLabel);
    });
    const actions = element('div', 'file-actions');
    actions.append(skip);
    form.append(actions);
  }

  input.addEventListener('change', () => {
    const problem = input.files?.[0] ? localProblem(request, input.files[0], context) : '';
    error.show(problem);
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const file = input.files?.[0];
    const problem = localProblem(request, file, context);
    error.show(problem);
    if (problem || !file) {
      input.focus();
      return;
    }
    context.submitFile(file);
  });

  return {
    root: form,
    focusTarget: input,
    showError(message) {
      error.show(message);
      input.focus();
    },
    setBusy(busy) {
      input.disabled = busy;
      send.disabled = busy;
      if (skip) skip.disabled = busy;
    },
  };
}
