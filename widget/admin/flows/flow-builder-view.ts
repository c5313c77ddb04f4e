import { ApiError } from '../api-client.js';
import type { FlowDetail, ModuleInfo, Workspace } from '../api-types.js';
import type { ConsoleContext } from '../console-context.js';
import { el, replaceChildren } from '../dom-builder.js';
import { createField, type FormField } from '../form-field.js';
import { errorMessage } from '../status-messages.js';
import { isoToLocalInput, localInputToIso } from '../time-format.js';
import { flowErrorTarget, flowIdFromName, moveStep, newStepId, stepDocuments, stepsInRunOrder } from './flow-draft.js';
import { pickModule } from './module-picker.js';
import { createStepCard, type StepCard, type StepCardHost } from './step-card.js';
import type { RetentionEdits } from './step-storage.js';
import { createPreviewPane } from './flow-preview-pane.js';
import { createVersionHistory } from './version-history.js';
import { WRITES } from '../write-actions.js';

function retentionEdits(workspace: Workspace): RetentionEdits {
  return new Map(Object.entries(workspace.retention.modules ?? {}).map(([module, tables]) => [module, new Map(Object.entries(tables))]));
}

function modulesPatch(edits: RetentionEdits): Record<string, Record<string, number>> {
  return Object.fromEntries([...edits].filter(([, tables]) => tables.size > 0).map(([module, tables]) => [module, Object.fromEntries(tables)]));
}

/**
 * The flow builder: name, id, status and opening window; the steps in order, each with its
 * settings form (generated from its module's schema) and what it stores for how long; Add step,
 * reorder (buttons or drag), remove, Save. Refusals from the server show next to the field their
 * JSON path names. `flowId` undefined builds a new flow.
 */
export async function showFlowBuilder(panel: HTMLElement, ctx: ConsoleContext, options: { readonly flowId?: string; readonly onDone: () => void }): Promise<void> {
  replaceChildren(panel, [el('p', { className: 'muted', text: 'Loading the flow builder…' })]);
  let modules: readonly ModuleInfo[];
  let flow: FlowDetail | undefined;
  try {
    [modules, flow] = await Promise.all([ctx.api.modules(), options.flowId ? ctx.api.flow(options.flowId) : Promise.resolve(undefined)]);
  } catch (failure) {
    replaceChildren(panel, [el('p', { className: 'error', attrs: { role: 'alert' }, text: errorMessage(failure) })]);
    return;
  }
  const workspace = ctx.workspace();
  const zone = workspace.timeZone;
  const byId = new Map(modules.map((module) => [module.id, module]));
  let flowId = flow?.id;

  const alert = el('p', { className: 'error', attrs: { role: 'alert' } });
  const heading = el('h2', { text: flow ? `Edit flow ${flow.name}` : 'New flow' });
  const input = (attrs: Record<string, string | number | boolean | undefined>) => el('input', { className: 'input', attrs });
  const name = createField({ label: 'Flow name', control: input({ type: 'text', maxlength: 200, value: flow?.name, autocomplete: 'off' }) });
  const id = createField({ label: 'Flow id', control: input({ type: 'text', maxlength: 64, value: flow?.id, readonly: flow !== undefined, spellcheck: 'false', autocapitalize: 'off' }), hint: 'Lowercase letters, digits, - and _. The widget names the flow by it (data-flow).' });
  let idTyped = flow !== undefined;
  id.control.addEventListener('input', () => (idTyped = true));
  name.control.addEventListener('input', () => {
    if (!idTyped) id.control.value = flowIdFromName(name.control.value);
  });
  const status = createField({ label: 'Status', control: el('select', { className: 'input' }, [el('option', { attrs: { value: 'open', selected: flow?.status !== 'closed' }, text: 'Open' }), el('option', { attrs: { value: 'closed', selected: flow?.status === 'closed' }, text: 'Closed' })]) });
  const opensAt = createField({ label: 'Opens at (optional)', control: input({ type: 'datetime-local', value: isoToLocalInput(flow?.opensAt, zone) }), hint: `In ${zone}. Empty: open as soon as it is saved.` });
  const closesAt = createField({ label: 'Closes at (optional)', control: input({ type: 'datetime-local', value: isoToLocalInput(flow?.closesAt, zone) }), hint: `In ${zone}. Empty: open until closed by hand.` });
  const flowFields = new Map<string, FormField>([['name', name], ['id', id], ['status', status], ['opensAt', opensAt], ['closesAt', closesAt]]);

  const list = el('ol', { className: 'steps', attrs: { 'aria-label': 'Steps' } });
  const empty = el('p', { className: 'empty', text: 'No steps yet. Add the first one.' });
  let cards: readonly StepCard[] = [];
  let dragged: StepCard | undefined;

  const host: StepCardHost = {
    timeZone: zone,
    storageEnabled: workspace.storageEnabled,
    retention: retentionEdits(workspace),
    storageOff: new Set(workspace.storageOffModules),
    stepTargets: (except) => cards.filter((card) => card.step.id !== except).map((card) => ({ id: card.step.id, label: `${card.module.title} (${card.step.id})` })),
    move(card, by) {
      const from = cards.indexOf(card);
      render(moveStep(cards, from, from + by));
      card.focusMove(by < 0 ? 'up' : 'down');
      ctx.announce(`${card.module.title} moved to position ${cards.indexOf(card) + 1}.`);
    },
    remove(card) {
      render(cards.filter((other) => other !== card));
      ctx.announce(`${card.module.title} removed.`);
      addButton.focus();
    },
    storageChanged(moduleId) {
      for (const card of cards) if (card.module.id === moduleId) card.refreshStorage();
    },
  };

  function render(next: readonly StepCard[]): void {
    cards = next;
    cards.forEach((card, i) => card.place(i + 1, cards.length));
    replaceChildren(list, cards.map((card) => card.element));
    empty.hidden = cards.length > 0;
  }

  function addCard(step: { id: string; module: string; config: Readonly<Record<string, unknown>> }): StepCard | undefined {
    const module = byId.get(step.module);
    if (!module) return undefined;
    const card = createStepCard(step, module, host);
    card.element.addEventListener('dragstart', (event) => {
      dragged = card;
      event.dataTransfer?.setData('text/plain', card.step.id);
    });
    card.element.addEventListener('dragover', (event) => event.preventDefault());
    card.element.addEventListener('drop', (event) => {
      event.preventDefault();
      if (dragged && dragged !== card) render(moveStep(cards, cards.indexOf(dragged), cards.indexOf(card)));
      dragged = undefined;
    });
    return card;
  }

  render((flow ? stepsInRunOrder(flow) : []).map(addCard).filter((card): card is StepCard => card !== undefined));

  const addButton = el('button', { className: 'button', attrs: { type: 'button' }, text: 'Add step' });
  addButton.addEventListener('click', async () => {
    const module = await pickModule(modules, workspace.storageEnabled);
    if (!module) return;
    const card = addCard({ id: newStepId(module.id, cards.map((c) => c.step)), module: module.id, config: {} });
    if (!card) return;
    render([...cards, card]);
    ctx.announce(`${module.title} added as step ${cards.length}.`);
    card.element.querySelector<HTMLElement>('input, textarea, select')?.focus();
  });
  const saveButton = el('button', { className: 'button primary', attrs: { type: 'button', ...WRITES }, text: 'Save flow' });
  saveButton.addEventListener('click', () => void save());
  const preview = createPreviewPane(ctx, () => flowId);
  const history = createVersionHistory(ctx, {
    flowId: () => flowId,
    onRestored(restored, from) {
      preview.stop();
      void showFlowBuilder(panel, ctx, { flowId: restored.id, onDone: options.onDone }).then(() => ctx.announce(`Version ${from} restored as version ${restored.version}.`));
    },
  });
  const back = el('button', { className: 'button', attrs: { type: 'button' }, text: 'Back to flows', on: { click: () => {
    preview.stop();
    options.onDone();
  } } });

  replaceChildren(panel, [
    el('div', { className: 'view-head' }, [el('div', {}, [heading, el('p', { className: 'muted', text: 'Steps run from top to bottom; a choice can send the participant to another step.' })]), el('div', { className: 'toolbar' }, [back])]),
    alert,
    el('section', { className: 'card flow-form', attrs: { 'aria-label': 'Flow settings' } }, [...flowFields.values()].map((field) => field.element)),
    el('section', { className: 'flow-steps', attrs: { 'aria-label': 'Flow steps' } }, [el('h3', { text: 'Steps' }), empty, list, el('div', { className: 'actions' }, [addButton, saveButton])]),
    preview.element,
    history.element,
  ]);

  function clearErrors(): void {
    alert.textContent = '';
    for (const field of flowFields.values()) field.clearError();
    for (const card of cards) card.clearErrors();
  }

  function showFailure(failure: unknown): void {
    const target = failure instanceof ApiError ? flowErrorTarget(failure.path) : undefined;
    const message = errorMessage(failure);
    if (target?.kind === 'flow') flowFields.get(target.field)?.showError(message);
    else if (target?.kind === 'step' && cards[target.index]) cards[target.index]!.showError(target.path, message);
    else alert.textContent = message;
  }

  /** The per-module retention and storage switches, saved first so the flow is checked against them. */
  async function saveStorageSettings(): Promise<void> {
    const current = ctx.workspace();
    const modules = modulesPatch(host.retention);
    const storageOffModules = [...host.storageOff].sort();
    const patch = {
      ...(JSON.stringify(modules) !== JSON.stringify(current.retention.modules ?? {}) && { retention: { ...current.retention, modules } }),
      ...(JSON.stringify(storageOffModules) !== JSON.stringify([...current.storageOffModules].sort()) && { storageOffModules }),
    };
    if (Object.keys(patch).length > 0) ctx.setWorkspace(await ctx.api.updateWorkspace(patch));
  }

  async function save(): Promise<void> {
    clearErrors();
    const targetId = flowId ?? id.control.value.trim();
    if (!/^[a-z0-9][a-z0-9_-]{0,63}$/.test(targetId)) return id.showError('Use lowercase letters, digits, - and _ (at most 64).');
    if (cards.length === 0) return void (alert.textContent = 'Add at least one step.');
    const steps = stepDocuments(cards.map((card) => card.read()));
    const needsStorage = cards.findIndex((card) => card.module.requiresStorage && host.storageOff.has(card.module.id));
    if (needsStorage >= 0) {
      const { module } = cards[needsStorage]!;
      return void cards[needsStorage]!.showError('/module', `Step ${needsStorage + 1} (${module.title}) needs storage: switch "Store this module's data" on for ${module.title}.`);
    }
    saveButton.disabled = true;
    try {
      await saveStorageSettings();
      const saved = await ctx.api.saveFlow(targetId, {
        name: name.control.value.trim(),
        status: status.control.value === 'closed' ? 'closed' : 'open',
        opensAt: localInputToIso(opensAt.control.value, zone) ?? null,
        closesAt: localInputToIso(closesAt.control.value, zone) ?? null,
        start: steps[0]!.id,
        steps,
      });
      flowId = saved.id;
      id.control.setAttribute('readonly', '');
      heading.textContent = `Edit flow ${saved.name}`;
      ctx.announce(`Flow ${saved.name} saved (version ${saved.version}).`);
      void history.refresh();
    } catch (failure) {
      showFailure(failure);
    } finally {
      saveButton.disabled = false;
    }
  }
}
