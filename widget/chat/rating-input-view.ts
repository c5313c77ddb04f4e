import type { InputRequest } from '../../core/chat-protocol.js';
import { element } from '../shadow-mount.js';
import { fieldError } from './field-error.js';
import type { InputContext, InputView } from './input-view.js';

type RatingRequest = Extract<InputRequest, { kind: 'rating' }>;

/** The most values a rating shows: a request asking for more is shown as its first ones. */
const MAX_VALUES = 11;

/**
 * One button per rating, in order, each named in words ("3 of 5 stars", "8 out of 10", the ends
 * with what they mean: "0 out of 10, Not at all likely"); a click
 * sends the number. Stars light up to the one pointed at or focused; the scale's ends are named
 * under it when the step says what they mean. The log shows the rating in words.
 */
export function renderRatingInput(request: RatingRequest, context: InputContext): InputView {
  const stars = request.style === 'stars';
  const root = element('div', 'rating-input');
  const group = element('div', `rating ${stars ? 'stars' : 'numbers'}`, { role: 'group' });
  let busy = false;
  const count = Math.max(0, Math.min(MAX_VALUES, request.max - request.min + 1));
  const values = Array.from({ length: count }, (_, i) => request.min + i);
  const buttons = values.map((value) => {
    // The ends' meaning is part of their buttons' names (the labels under the scale are only seen).
    const end = value === request.min ? request.lowLabel : value === request.max ? request.highLabel : undefined;
    const name = (stars ? context.strings.ratingStars(value, request.max) : context.strings.ratingNumber(value, request.max)) + (end ? `, ${end}` : '');
    const button = element('button', 'rate', { type: 'button', 'aria-label': name });
    button.textContent = stars ? '★' : String(value);
    button.addEventListener('click', () => {
      if (!busy) context.submit(String(value), name);
    });
    return button;
  });
  // Stars light up to the one under the pointer or the focus.
  const light = (upTo: number) => buttons.forEach((button, i) => button.classList.toggle('lit', i <= upTo));
  if (stars) {
    buttons.forEach((button, i) => {
      button.addEventListener('pointerenter', () => light(i));
      button.addEventListener('focus', () => light(i));
    });
    group.addEventListener('pointerleave', () => light(-1));
    group.addEventListener('focusout', () => light(-1));
  }
  group.append(...buttons);
  root.append(group);
  if (request.lowLabel || request.highLabel) {
    const ends = element('div', 'rating-ends', { 'aria-hidden': 'true' });
    const low = element('span', '');
    low.textContent = request.lowLabel ?? '';
    const high = element('span', '');
    high.textContent = request.highLabel ?? '';
    ends.append(low, high);
    root.append(ends);
  }
  const error = fieldError(`${context.id}-rating-error`, group);
  root.append(error.node);
  return {
    root,
    focusTarget: buttons[0] ?? root,
    showError: error.show,
    setBusy(value) {
      busy = value;
      for (const button of buttons) button.disabled = value;
    },
  };
}
