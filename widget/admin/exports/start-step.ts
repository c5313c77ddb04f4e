import { el } from '../dom-builder.js';
import { createField, type FormField } from '../form-field.js';
import type { BuilderContext, BuilderStep, StepSpec } from './builder-context.js';
import { TABLE_LABELS } from '../table-labels.js';

/**
 * Step 1, Start: the export's name; what it reads (a flow's entries, or any store table, of
 * every flow or of one); for a flow, participants only and/or winners only (winners only is
 * offered when the flow has a step that records winners).
 */
function createStartStep(ctx: BuilderContext): BuilderStep {
  const { draft } = ctx;
  const name = createField({ label: 'Export name', control: el('input', { className: 'input', attrs: { type: 'text', maxlength: 200, value: draft.name, autocomplete: 'off' } }) });
  const source = createField({
    label: 'What it reads',
    hint: "A flow's entries (the export guide's operations), or the rows of one of the tables its modules store.",
    control: el('select', { className: 'input' }, [
      el('option', { attrs: { value: '', selected: draft.table === '' }, text: "A flow's entries" }),
      ...Object.entries(TABLE_LABELS).map(([table, label]) => el('option', { attrs: { value: table, selected: table === draft.table }, text: `Table: ${label}` })),
    ]),
  });
  const flowOptions = (first: string) => [
    el('option', { attrs: { value: '', selected: draft.flow === '' }, text: first }),
    ...ctx.flows.map((f) => el('option', { attrs: { value: f.id, selected: f.id === draft.flow }, text: f.name })),
  ];
  const flow = createField({ label: 'Flow (operation)', hint: 'The flow whose entries the export reads.', control: el('select', { className: 'input' }, flowOptions('Choose a flow')) });
  const tableFlow = createField({ label: 'Rows of', hint: 'Every flow, or only the rows one flow stored.', control: el('select', { className: 'input' }, flowOptions('Every flow')) });
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

  const which = el('fieldset', {}, [el('legend', { text: 'Which rows' }), participants.element, winners.element, noWinners]);

  const showWinners = () => {
    const offered = ctx.catalogue()?.winnersOffered ?? false;
    winners.element.hidden = !offered;
    noWinners.hidden = offered || draft.flow === '';
    flow.element.hidden = draft.table !== '';
    tableFlow.element.hidden = draft.table === '';
    which.hidden = draft.table !== '';
    if (!offered && draft.winnersOnly && draft.table === '') {
      draft.winnersOnly = false;
      (winners.control as HTMLInputElement).checked = false;
    }
  };
  name.control.addEventListener('input', () => {
    draft.name = name.control.value;
    ctx.changed();
  });
  const reload = async () => {
    await ctx.loadCatalogue();
    showWinners();
    ctx.changed();
  };
  source.control.addEventListener('change', () => {
    draft.table = source.control.value;
    void reload();
  });
  for (const select of [flow.control, tableFlow.control]) {
    select.addEventListener('change', () => {
      draft.flow = select.value;
      flow.control.value = tableFlow.control.value = select.value;
      void reload();
    });
  }
  participants.control.addEventListener('change', () => {
    draft.participantsOnly = (participants.control as HTMLInputElement).checked;
    ctx.changed();
  });
  winners.control.addEventListener('change', () => {
    draft.winnersOnly = (winners.control as HTMLInputElement).checked;
    ctx.changed();
  });
  showWinners();

  const fields: Record<string, () => FormField> = {
    '/name': () => name,
    '/source/table': () => source,
    '/source': () => (draft.table === '' ? flow : tableFlow),
    '/scope': () => participants,
  };
  return {
    element: el('div', { className: 'export-step' }, [
      el('p', { className: 'muted', text: "By default an export has one row per entry of a flow: choose the flow first, its steps decide which data can be exported. A table's export has one row per row of the table." }),
      name.element,
      source.element,
      flow.element,
      tableFlow.element,
      which,
    ]),
    showError(path, message) {
      const target = Object.entries(fields).find(([prefix]) => path.startsWith(prefix));
      target?.[1]().showError(message);
      return target !== undefined;
    },
  };
}

export const START_STEP: StepSpec = { key: 'start', title: 'Start', paths: [/^\/(name|source|scope)(\/|$)/], create: createStartStep };
