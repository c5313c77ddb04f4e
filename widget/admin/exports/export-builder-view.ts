import { ApiError } from '../api-client.js';
import type { ConsoleContext } from '../console-context.js';
import { el, replaceChildren } from '../dom-builder.js';
import type { ExportOptions, ExportSourceFlow, ExportSummary, FieldCatalogue } from '../export-api-types.js';
import { errorMessage } from '../status-messages.js';
import type { BuilderContext, BuilderStep, StepSpec } from './builder-context.js';
import { CONDITIONS_STEP } from './conditions-step.js';
import { DELIVERY_STEP } from './delivery-step.js';
import { definitionOf, draftOf, emptyDraft, hasSource, sourceOf, type ExportDraft } from './export-draft.js';
import { FIELD_EDIT_STEP } from './field-edit-step.js';
import { FIELDS_STEP } from './fields-step.js';
import { GPG_STEP } from './gpg-step.js';
import { openPreviewDialog } from './preview-dialog.js';
import { createRunPanel } from './run-panel.js';
import { START_STEP } from './start-step.js';
import { TRIGGER_STEP } from './trigger-step.js';
import { WRITES } from '../write-actions.js';

/** The seven steps of the export guide, in order. */
const STEPS: readonly StepSpec[] = [START_STEP, FIELDS_STEP, FIELD_EDIT_STEP, CONDITIONS_STEP, DELIVERY_STEP, GPG_STEP, TRIGGER_STEP];

/**
 * The export builder: the guide's seven steps (Start, Select fields, Edit a field, Conditions,
 * Format and destination, GPG encryption, Trigger), reachable in any order from the step list or
 * with Previous/Next; Preview (a dry run) at any step; Save, after which Run now and the run
 * history appear. A refusal of the server opens the step its JSON path names and shows next to
 * the control. `exportId` undefined builds a new export.
 */
export async function showExportBuilder(panel: HTMLElement, ctx: ConsoleContext, options: { readonly exportId?: string; readonly onDone: () => void }): Promise<void> {
  replaceChildren(panel, [el('p', { className: 'muted', text: 'Loading the export builder…' })]);
  let exportOptions: ExportOptions;
  let flows: readonly ExportSourceFlow[];
  let saved: ExportSummary | undefined;
  let catalogue: FieldCatalogue | undefined;
  try {
    [exportOptions, flows, saved] = await Promise.all([ctx.api.exportOptions(), ctx.api.exportSources(), options.exportId ? ctx.api.export(options.exportId) : Promise.resolve(undefined)]);
    catalogue = saved ? await ctx.api.exportFields(saved.definition.source) : undefined;
  } catch (failure) {
    replaceChildren(panel, [el('p', { className: 'error', attrs: { role: 'alert' }, text: errorMessage(failure) })]);
    return;
  }
  const draft: ExportDraft = saved ? draftOf(saved, catalogue) : emptyDraft();
  const timeZone = ctx.workspace().timeZone;
  const alert = el('p', { className: 'error', attrs: { role: 'alert' } });
  const heading = el('h2', { text: saved ? `Edit export ${saved.definition.name}` : 'New export' });
  const stepHeading = el('h3', { attrs: { id: 'export-step-heading', tabindex: -1 } });
  const stepBody = el('div');
  const stepButtons: HTMLButtonElement[] = [];
  const runSlot = el('div');
  let index = 0;
  let current: BuilderStep | undefined;

  const builder: BuilderContext = {
    api: ctx.api,
    timeZone,
    options: exportOptions,
    flows,
    draft,
    catalogue: () => catalogue,
    async loadCatalogue() {
      try {
        catalogue = hasSource(draft) ? await ctx.api.exportFields(sourceOf(draft)) : undefined;
      } catch (failure) {
        alert.textContent = errorMessage(failure);
      }
    },
    exportId: () => saved?.id,
    changed: () => undefined,
    announce: (message) => ctx.announce(message),
    editField: (uid) => show(STEPS.indexOf(FIELD_EDIT_STEP), { uid }),
    operatorShape: (operator) => exportOptions.operators.find((op) => op.id === operator)?.value,
  };

  function show(next: number, focus?: { readonly uid?: number }, moveFocus = true): void {
    index = Math.max(0, Math.min(STEPS.length - 1, next));
    const spec = STEPS[index]!;
    stepButtons.forEach((button, i) => (i === index ? button.setAttribute('aria-current', 'step') : button.removeAttribute('aria-current')));
    stepHeading.textContent = `Step ${index + 1} of ${STEPS.length}: ${spec.title}`;
    current = spec.create(builder, focus);
    replaceChildren(stepBody, [current.element]);
    previous.disabled = index === 0;
    nextButton.disabled = index === STEPS.length - 1;
    if (moveFocus) stepHeading.focus();
  }

  const nav = el('nav', { className: 'builder-steps', attrs: { 'aria-label': 'Export builder steps' } }, [
    el('ol', {}, STEPS.map((spec, i) => {
      const button = el('button', { className: 'step-link', attrs: { type: 'button' }, text: `${i + 1}. ${spec.title}`, on: { click: () => show(i) } });
      stepButtons.push(button);
      return el('li', {}, [button]);
    })),
  ]);
  const previous = el('button', { className: 'button', attrs: { type: 'button' }, text: 'Previous step', on: { click: () => show(index - 1) } });
  const nextButton = el('button', { className: 'button', attrs: { type: 'button' }, text: 'Next step', on: { click: () => show(index + 1) } });
  const preview = el('button', { className: 'button', attrs: { type: 'button' }, text: 'Preview', on: { click: () => void openPreviewDialog(builder) } });
  const save = el('button', { className: 'button primary', attrs: { type: 'button', ...WRITES }, text: 'Save export', on: { click: () => void store() } });
  const back = el('button', { className: 'button', attrs: { type: 'button' }, text: 'Back to exports', on: { click: () => options.onDone() } });

  replaceChildren(panel, [
    el('div', { className: 'view-head' }, [el('div', {}, [heading, el('p', { className: 'muted', text: `Seven steps, in any order; times are in ${timeZone}.` })]), el('div', { className: 'toolbar' }, [back])]),
    alert,
    nav,
    el('section', { className: 'card export-builder', attrs: { 'aria-labelledby': 'export-step-heading' } }, [stepHeading, stepBody]),
    el('div', { className: 'actions builder-actions' }, [previous, nextButton, preview, save]),
    runSlot,
  ]);
  show(0, undefined, false);
  if (saved) replaceChildren(runSlot, [createRunPanel(builder, saved.id, () => saved?.definition.trigger)]);

  /** Opens the step a refused path belongs to and shows the message there (or above the steps). */
  function showFailure(failure: unknown): void {
    const message = errorMessage(failure);
    const path = failure instanceof ApiError ? failure.path : undefined;
    const target = path === undefined ? -1 : STEPS.findIndex((spec) => spec.paths.some((pattern) => pattern.test(path)));
    if (target === -1) {
      alert.textContent = message;
      return;
    }
    const field = /^\/fields\/(\d+)/.exec(path!);
    show(target, field ? { uid: draft.fields[Number(field[1])]?.uid } : undefined, false);
    if (!current?.showError(path!, message)) alert.textContent = message;
    else alert.textContent = `Not saved: see step ${target + 1} (${STEPS[target]!.title}).`;
  }

  async function store(): Promise<void> {
    alert.textContent = '';
    save.disabled = true;
    try {
      saved = await ctx.api.saveExport(saved?.id, definitionOf(draft, builder.operatorShape));
      const fresh = draftOf(saved, catalogue);
      draft.secretsSet = fresh.secretsSet;
      draft.savedKind = fresh.savedKind;
      draft.destination = fresh.destination;
      heading.textContent = `Edit export ${saved.definition.name}`;
      ctx.announce(`Export ${saved.definition.name} saved (version ${saved.version}).`);
      replaceChildren(runSlot, [createRunPanel(builder, saved.id, () => saved?.definition.trigger)]);
      show(index, undefined, false);
    } catch (failure) {
      showFailure(failure);
    } finally {
      save.disabled = false;
    }
  }
}
