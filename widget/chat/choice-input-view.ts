import type { InputRequest } from '../../core/chat-protocol.js';
import { element } from '../shadow-mount.js';
import { fieldError } from './field-error.js';
import { questionTimer } from './question-timer.js';
import { externalLink } from './message-view.js';
import { safeHttpUrl } from './safe-url.js';
import type { InputContext, InputView } from './input-view.js';

type ChoiceRequest = Extract<InputRequest, { kind: 'choice' }>;

/**
 * One button per option, named by the option's label; a click sends the option id. An option
 * with an http(s) address (a share button) is a link that opens it in a new tab as it answers;
 * while a reply is being sent it opens nothing. A timed question (a quiz's) shows its countdown
 * above the buttons.
 */
export function renderChoiceInput(request: ChoiceRequest, context: InputContext): InputView {
  const root = element('div', 'choice-input');
  const group = element('div', 'choices', { role: 'group' });
  let busy = false;
  const buttons = request.options.map((option) => {
    const href = safeHttpUrl(option.url);
    const button = href ? externalLink(href, option.label, 'choice') : element('button', 'choice', { type: 'button' });
    if (!href) button.textContent = option.label;
    button.addEventListener('click', (event) => {
      if (busy) {
        event.preventDefault();
        return;
      }
      context.submit(option.id, option.label);
    });
    return button;
  });
  group.append(...buttons);
  const error = fieldError(`${context.id}-choice-error`, group);
  // A timed question counts down, then says time is up with no answer (the server decides what is late).
  // (It is paused while a reply is on its way, so it never answers over one.)
  const timer = request.timeLimitSeconds === undefined ? undefined : questionTimer(request.timeLimitSeconds, context.strings, () => context.submit('', context.strings.timeUp));
  root.append(...(timer ? [timer.node] : []), group, error.node);
  return {
    root,
    focusTarget: buttons[0] ?? root,
    showError: error.show,
    setBusy(value) {
      busy = value;
      timer?.setPaused(value);
      for (const button of buttons) {
        if (button instanceof HTMLButtonElement) button.disabled = value;
        else button.setAttribute('aria-disabled', String(value));
      }
    },
  };
}
