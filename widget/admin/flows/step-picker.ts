import { el } from '../dom-builder.js';

/** A `<select>` of steps to go to, re-listed each time it takes focus (steps come and go while building). */
export interface StepPicker {
  readonly control: HTMLSelectElement;
  /** The chosen value: '' for the first fixed choice, a fixed value, or a step id. */
  value(): string;
}

/**
 * A step picker: `fixed` choices first (e.g. "The next step below", "End the flow"), then every
 * target step. The choice is kept even while the step it names is not listed yet.
 */
export function createStepPicker(options: {
  readonly initial: string;
  readonly fixed: ReadonlyArray<{ readonly value: string; readonly text: string }>;
  readonly targets: () => ReadonlyArray<{ readonly id: string; readonly label: string }>;
  readonly targetText?: (label: string) => string;
}): StepPicker {
  const control = el('select', { className: 'input' });
  let chosen = options.initial;
  control.addEventListener('change', () => (chosen = control.value));
  const fixedValues = new Set(options.fixed.map((choice) => choice.value));
  const fill = () => {
    const listed = options.targets();
    const targets = fixedValues.has(chosen) || listed.some((target) => target.id === chosen) ? listed : [...listed, { id: chosen, label: chosen }];
    control.replaceChildren(
      ...options.fixed.map((choice) => el('option', { attrs: { value: choice.value, selected: choice.value === chosen }, text: choice.text })),
      ...targets.map((target) => el('option', { attrs: { value: target.id, selected: target.id === chosen }, text: options.targetText?.(target.label) ?? target.label })),
    );
  };
  fill();
  control.addEventListener('focus', fill);
  return { control, value: () => chosen };
}
