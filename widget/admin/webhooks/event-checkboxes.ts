import { el, uniqueId } from '../dom-builder.js';

/** What each event means, for people. */
export const EVENT_HINTS: Readonly<Record<string, string>> = Object.freeze({
  'participation.created': 'An entry is stored (giveaway entry, instant-win play)',
  'consent.given': 'A participant accepts a consent (opt-in)',
  'consent.declined': 'A participant declines a consent',
  'consent.confirmed': 'A double opt-in link is clicked',
  'consent.withdrawn': 'A consent is withdrawn (by the person, the owner or a partner)',
  'instant_win.won': 'An instant-win play wins a prize',
  'giveaway.drawn': 'Giveaway winners are drawn',
  'flow.closed': 'A flow is closed',
  'file.received': 'A participant sends a file (receipt, photo)',
  'loyalty.card_completed': 'A stamp fills a loyalty card',
  'quiz.completed': 'A participant finishes a quiz',
  'rating.given': 'A participant gives a rating (low ones to follow up)',
  'subject.erased': 'A person’s data is erased at their request: erase your copies of the rows it names',
  'subject.anonymized': 'A person is anonymized: anonymize your copies of the rows it names',
});

/**
 * The events as a group of labelled checkboxes (a fieldset with a legend), the `checked` ones
 * ticked; `onChange` gets the ticked list after each change.
 */
export function eventCheckboxes(options: { readonly legend: string; readonly events: readonly string[]; readonly checked: readonly string[]; readonly onChange?: (events: string[]) => void }) {
  const boxes = options.events.map((event) => {
    const id = uniqueId('event');
    const hintId = uniqueId('event-hint');
    const box = el('input', { attrs: { type: 'checkbox', id, value: event, checked: options.checked.includes(event), 'aria-describedby': hintId } });
    const row = el('div', { className: 'check' }, [box, el('div', {}, [el('label', { className: 'mono', attrs: { for: id }, text: event }), el('p', { className: 'hint', attrs: { id: hintId }, text: EVENT_HINTS[event] ?? '' })])]);
    return { box, row };
  });
  const error = el('p', { className: 'field-error', attrs: { role: 'alert', hidden: true } });
  const selected = () => boxes.filter((b) => b.box.checked).map((b) => b.box.value);
  for (const { box } of boxes) box.addEventListener('change', () => options.onChange?.(selected()));
  const element = el('fieldset', { className: 'events' }, [el('legend', { text: options.legend }), ...boxes.map((b) => b.row), error]);
  return {
    element,
    selected,
    focus: () => boxes[0]?.box.focus(),
    showError(message: string) {
      error.textContent = message;
      error.hidden = false;
    },
    clearError() {
      error.hidden = true;
    },
  };
}
