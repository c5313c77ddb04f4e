import type { ModuleInfo } from '../api-types.js';
import { el, uniqueId } from '../dom-builder.js';
import { END_OF_FLOW, stepSummary, type DraftStep } from './flow-draft.js';
import { createStepPicker } from './step-picker.js';
import { objectForm, type SchemaForm } from './schema-form.js';
import { createStorageBlock, type StorageHost } from './step-storage.js';

/** What a step card asks of the builder around it. */
export interface StepCardHost extends StorageHost {
  readonly timeZone: string;
  stepTargets(except: string): ReadonlyArray<{ readonly id: string; readonly label: string }>;
  move(card: StepCard, by: number): void;
  remove(card: StepCard): void;
}

/** One step in the builder: its title, summary, settings form and what it stores. */
export interface StepCard {
  readonly element: HTMLLIElement;
  readonly step: DraftStep;
  readonly module: ModuleInfo;
  /** The step as edited (config read from its form). */
  read(): DraftStep;
  /** Renumbers the card (its position from 1, and how many steps there are). */
  place(position: number, count: number): void;
  showError(path: string, message: string): boolean;
  clearErrors(): void;
  /** Shows the retention and storage switch the builder holds for this module again. */
  refreshStorage(): void;
  focusMove(direction: 'up' | 'down'): void;
}

/**
 * A step of the flow builder: a card with its position, module title and a one-line summary,
 * buttons to move it up or down and to remove it (each named for the step, so keyboard and
 * screen-reader users know which step they act on), its settings form generated from the module's
 * schema, and what it stores for how long. The card can also be dragged by its handle.
 */
export function createStepCard(step: DraftStep, module: ModuleInfo, host: StepCardHost): StepCard {
  const title = el('h3', { className: 'step-title' });
  const summary = el('p', { className: 'muted step-summary', text: stepSummary(step, module) });
  const form: SchemaForm = objectForm(module.configSchema, step.config, {
    timeZone: host.timeZone,
    stepTargets: () => host.stepTargets(step.id),
    labelPrefix: '',
  });
  const storage = createStorageBlock(module, host);
  const then = createStepPicker({
    initial: step.then ?? '',
    fixed: [{ value: '', text: 'The next step below' }, { value: END_OF_FLOW, text: 'End the flow' }],
    targets: () => host.stepTargets(step.id),
    targetText: (label) => `Go to ${label}`,
  });
  then.control.id = uniqueId('then');
  const thenField = el('div', { className: 'field' }, [el('label', { attrs: { for: then.control.id }, text: 'Then' }), then.control]);
  const up = el('button', { className: 'button', attrs: { type: 'button' }, text: 'Move up' });
  const down = el('button', { className: 'button', attrs: { type: 'button' }, text: 'Move down' });
  const remove = el('button', { className: 'button danger', attrs: { type: 'button' }, text: 'Remove' });
  const handle = el('span', { className: 'drag-handle', attrs: { 'aria-hidden': 'true', title: 'Drag to reorder' }, text: '⠿' });
  const settings = el('details', { className: 'step-settings', attrs: { open: true } }, [el('summary', { text: 'Settings' }), form.element]);
  const error = el('p', { className: 'field-error', attrs: { hidden: true, role: 'alert' } });
  const element = el('li', { className: 'step-card', attrs: { draggable: 'true', 'data-step-id': step.id } }, [
    el('div', { className: 'step-head' }, [handle, el('div', { className: 'step-name' }, [title, summary, el('p', { className: 'muted mono', text: `Step id: ${step.id}` })]), el('div', { className: 'toolbar' }, [up, down, remove])]),
    error,
    settings,
    thenField,
    storage.element,
  ]);
  const card: StepCard = {
    element,
    step,
    module,
    read: () => ({ id: step.id, module: step.module, config: form.read(), ...(then.value() !== '' && { then: then.value() }) }),
    place(position, count) {
      title.textContent = `${position}. ${module.title}`;
      element.setAttribute('aria-label', `Step ${position}: ${module.title}`);
      up.setAttribute('aria-label', `Move step ${position} (${module.title}) up`);
      down.setAttribute('aria-label', `Move step ${position} (${module.title}) down`);
      remove.setAttribute('aria-label', `Remove step ${position} (${module.title})`);
      up.disabled = position === 1;
      down.disabled = position === count;
    },
    showError(path, message) {
      if (path.startsWith('/config') && form.showError(path.slice('/config'.length), message)) {
        settings.open = true;
        return true;
      }
      error.textContent = message;
      error.hidden = false;
      return true;
    },
    clearErrors() {
      error.hidden = true;
      form.clearErrors();
    },
    refreshStorage: () => storage.refresh(),
    focusMove(direction) {
      const button = direction === 'up' ? (up.disabled ? down : up) : down.disabled ? up : down;
      button.focus();
    },
  };
  up.addEventListener('click', () => host.move(card, -1));
  down.addEventListener('click', () => host.move(card, 1));
  remove.addEventListener('click', () => host.remove(card));
  form.element.addEventListener('input', () => {
    summary.textContent = stepSummary(card.read(), module);
  });
  return card;
}
