import { el } from '../dom-builder.js';
import { createField, type FormField } from '../form-field.js';
import type { BuilderContext, BuilderStep, StepSpec } from './builder-context.js';

/**
 * Step 1, Start: the export's name, the flow (operation) it reads, and participants only and/or
 * winners only (winners only is offered when the flow has a step that records winners).
 */
function createStartStep(ctx: BuilderContext): BuilderStep {
  const { draft } = ctx;
  const name = createField({ label: 'Export name', control: el('input', { className: 'input', attrs: { type: 'text', maxlength: 200, value: draft.name, autocomplete: 'off' } }) });
  const flow = createField({
    label: 'Flow (operation)',
    hint: 'The flow whose entries the export reads.',
    control: el('select', { className: 'input' }, [
      el('option', { attrs: { value: '', selected: draft.flow === '' }, text: 'Choose a flow' }),
      ...ctx.flows.map((f) => el('option', { attrs: { value: f.id, selected: f.id === draft.flow }, text: f.name })),
    ]),
  });
  const participants = createField({
    label: 'Participants only',
    hint: 'One row per participant (their latest entry) instead of one row per entry.',
    control: el('input', { className: 'input', attrs: { type: 'checkbox', checked: draft.participantsOnly } }),
  });
  const winners = createField({
    label: 'Winners only',
    hint: 'Only participants who won (a draw or an instant win).',
    control: el('input', { className: 'input', attrs: { type: 'checkbox', checked: draft.winnersOnly } }),
  });
  const noWinners = el('p', { className: 'hint', text: 'Winners only is offered for flows with a giveaway draw or an instant win.' });

  const showWinners = () => {
    const offered = ctx.catalogue()?.winnersOffered ?? false;
    winners.element.hidden = !offered;
    noWinners.hidden = offered || draft.flow === '';
    if (!offered && draft.winnersOnly) {
      draft.winnersOnly = false;
      (winners.control as HTMLInputElement).checked = false;
    }
  };
  name.control.addEventListener('input', () => {
    draft.name = name.control.value;
    ctx.changed();
  });
  flow.control.addEventListener('change', async () => {
    draft.flow = flow.control.value;
    await ctx.loadCatalogue();
    showWinners();
    ctx.changed();
  });
  participants.control.addEventListener('change', () => {
    draft.participantsOnly = (participants.control as HTMLInputElement).checked;
    ctx.changed();
  });
  winners.control.addEventListener('change', () => {
    draft.winnersOnly = (winners.control as HTMLInputElement).checked;
    ctx.changed();
  });
  showWinners();

  const fields: Record<string, FormField> = { '/name': name, '/source': flow, '/scope': participants };
  return {
    element: el('div', { className: 'export-step' }, [
      el('p', { className: 'muted', text: 'By default an export has one row per entry. Choose the flow first: its steps decide which data can be exported.' }),
      name.element,
      flow.element,
      el('fieldset', {}, [el('legend', { text: 'Which rows' }), participants.element, winners.element, noWinners]),
    ]),
    showError(path, message) {
      const target = Object.entries(fields).find(([prefix]) => path.startsWith(prefix));
      target?.[1].showError(message);
      return target !== undefined;
    },
  };
}

export const START_STEP: StepSpec = { key: 'start', title: 'Start', paths: [/^\/(name|source|scope)(\/|$)/], create: createStartStep };
