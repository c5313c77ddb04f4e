import type { InputRequest } from '../../core/chat-protocol.js';
import { element } from '../shadow-mount.js';
import { fieldError } from './field-error.js';
import type { InputContext, InputView } from './input-view.js';

type ChoiceRequest = Extract<InputRequest, { kind: 'choice' }>;

/** One button per option, named by the option's label; a click sends the option id. */
export function renderChoiceInput(request: ChoiceRequest, context: InputContext): InputView {
  const root = element('div', 'choice-input');
  const group = element('div', 'choices', { role: 'group' });
  const buttons = request.options.map((option) => {
    const button = element('button', 'choice', { type: 'button' });
    button.textContent = option.label;
    button.addEventListener('click', () => context.submit(option.id, option.label));
    return button;
  });
  group.append(...buttons);
  const error = fieldError(`${context.id}-choice-error`, group);
  root.append(group, error.node);
  return {
    root,
    focusTarget: buttons[0] ?? root,
    showError: error.show,
    setBusy(busy) {
      for (const button of buttons) button.disabled = busy;
    },
  };
}
