import { el, replaceChildren, uniqueId } from '../dom-builder.js';
import type { ExportTrigger } from '../export-api-types.js';
import { createField, type FormField } from '../form-field.js';
import { errorMessage } from '../status-messages.js';
import { formatInstant } from '../time-format.js';
import { debounce, type BuilderContext, type BuilderStep, type StepSpec } from './builder-context.js';
import { DAILY_MODES, WEEKDAY_NAMES } from './export-labels.js';

const KINDS = [
  { type: '', title: 'By hand only', hint: 'Runs only when you press Run now.' },
  { type: 'immediate', title: 'Immediate', hint: 'Runs as soon as the export is saved.' },
  { type: 'closure', title: 'At flow closure', hint: 'Runs once, when the flow is finally closed.' },
  { type: 'weekly', title: 'Weekly', hint: 'Every week on a day, at a time.' },
  { type: 'scheduled', title: 'Scheduled', hint: 'Once, on a date and at a time.' },
  { type: 'daily', title: 'Daily', hint: 'Every day at a time, with one of three contents (offered for exports of a flow).' },
] as const;

/** A group of radio buttons named by its legend, each with a sentence that says what it does. */
function radioGroup(legend: string, choices: ReadonlyArray<{ value: string; title: string; hint: string }>, chosen: string, onChange: (value: string) => void): HTMLFieldSetElement {
  const name = uniqueId('radio');
  return el('fieldset', { className: 'radio-group' }, [
    el('legend', { text: legend }),
    ...choices.map((choice) => {
      const id = uniqueId('choice');
      const hintId = uniqueId('hint');
      const input = el('input', { attrs: { type: 'radio', name, id, value: choice.value, checked: choice.value === chosen, 'aria-describedby': hintId }, on: { change: () => onChange(choice.value) } });
      return el('div', { className: 'check' }, [input, el('div', {}, [el('label', { attrs: { for: id }, text: choice.title }), el('p', { className: 'hint', attrs: { id: hintId }, text: choice.hint })])]);
    }),
  ]);
}

/**
 * Step 7, Trigger: by hand only, immediate, at flow closure, weekly (day, time), scheduled (date,
 * time) or daily (time, and one of the three contents, each explained). Times are in the
 * workspace zone; the next run is shown as the server computes it.
 */
function createTriggerStep(ctx: BuilderContext): BuilderStep {
  const { draft } = ctx;
  const trigger = (draft.trigger ?? {}) as Record<string, string>;
  const details = el('div', { className: 'trigger-details' });
  const next = el('p', { className: 'hint', attrs: { role: 'status' } });
  let fields = new Map<string, FormField>();
  let type: string = draft.trigger?.type ?? '';
  const values: Record<string, string> = { day: trigger.day ?? 'monday', time: trigger.time ?? '06:00', at: trigger.at ?? '', mode: trigger.mode ?? 'previous_day' };

  const build = (): ExportTrigger | undefined => {
    switch (type) {
      case 'immediate': case 'closure': return { type };
      case 'weekly': return { type, day: values.day!, time: values.time! };
      case 'scheduled': return { type, at: values.at! };
      case 'daily': return { type, time: values.time!, mode: values.mode as 'all' };
      default: return undefined;
    }
  };
  let generation = 0;
  const showNext = debounce(async () => {
    generation += 1;
    const mine = generation;
    for (const field of fields.values()) field.clearError();
    const current = draft.trigger;
    if (!current || current.type === 'immediate' || current.type === 'closure') return void (next.textContent = current?.type === 'closure' ? 'Runs when the flow closes.' : '');
    try {
      const at = await ctx.api.nextOccurrence(current);
      if (mine === generation) next.textContent = at ? `Next run: ${formatInstant(at, ctx.timeZone)} (${ctx.timeZone}).` : 'This time has passed: it will not run.';
    } catch (failure) {
      if (mine !== generation) return;
      next.textContent = '';
      (fields.get('time') ?? fields.get('at'))?.showError(errorMessage(failure));
    }
  }, 300);
  const update = () => {
    draft.trigger = build();
    ctx.changed();
    showNext();
  };
  const input = (key: string, label: string, attrs: Record<string, string>) => {
    const field = createField({ label, hint: `In ${ctx.timeZone}.`, control: el('input', { className: 'input', attrs: { ...attrs, value: values[key] } }) });
    field.control.addEventListener('input', () => ((values[key] = field.control.value), update()));
    fields.set(key, field);
    return field.element;
  };
  const renderDetails = () => {
    fields = new Map();
    const day = createField({ label: 'Day', control: el('select', { className: 'input' }, Object.entries(WEEKDAY_NAMES).map(([value, text]) => el('option', { attrs: { value, selected: value === values.day }, text }))) });
    day.control.addEventListener('change', () => ((values.day = day.control.value), update()));
    const parts = {
      weekly: [day.element, input('time', 'Time', { type: 'time' })],
      scheduled: [input('at', 'Date and time', { type: 'datetime-local' })],
      daily: [input('time', 'Time', { type: 'time' }), radioGroup('Content of each daily export', DAILY_MODES.map((m) => ({ value: m.mode, title: m.title, hint: m.sentence })), values.mode!, (mode) => ((values.mode = mode), update()))],
    } as Record<string, HTMLElement[]>;
    replaceChildren(details, parts[type] ?? []);
  };
  const kinds = radioGroup('When the export runs', KINDS.filter((k) => k.type !== 'daily' || draft.table === '' || type === 'daily').map((k) => ({ value: k.type, title: k.title, hint: k.hint })), type, (value) => {
    type = value;
    renderDetails();
    update();
  });
  renderDetails();
  showNext();
  return {
    element: el('div', { className: 'export-step' }, [kinds, details, next]),
    showError(path, message) {
      if (!path.startsWith('/trigger')) return false;
      const key = path.split('/')[2] ?? '';
      (fields.get(key) ?? fields.get('time') ?? fields.get('at'))?.showError(message);
      if (!fields.has(key)) next.textContent = message;
      return true;
    },
  };
}

export const TRIGGER_STEP: StepSpec = { key: 'trigger', title: 'Trigger', paths: [/^\/trigger(\/|$)/], create: createTriggerStep };
