import { confirmAction } from '../confirm-dialog.js';
import type { ConsoleContext } from '../console-context.js';
import { el, replaceChildren, uniqueId } from '../dom-builder.js';
import { errorMessage } from '../status-messages.js';
import { openDeliveryLogDialog } from './delivery-log-dialog.js';
import { eventCheckboxes } from './event-checkboxes.js';
import { openWebhookCreateDialog } from './webhook-create-dialog.js';
import { webhookApi, type Webhook, type WebhookApi, type WebhookInput } from './webhook-api.js';
import { WRITES } from '../write-actions.js';

/** A labelled checkbox that saves its change at once. */
function toggle(label: string, checked: boolean, save: (checked: boolean) => Promise<boolean>): HTMLElement {
  const id = uniqueId('toggle');
  const box = el('input', { attrs: { type: 'checkbox', id, checked } });
  box.addEventListener('change', async () => {
    box.disabled = true;
    if (!(await save(box.checked))) box.checked = !box.checked;
    box.disabled = false;
  });
  return el('div', { className: 'check' }, [box, el('label', { attrs: { for: id }, text: label })]);
}

/**
 * The Webhooks section: each endpoint as a card (URL, description, its events as checkboxes and
 * the enabled and personal-fields switches, all saved on change), its delivery log, Delete
 * (behind a confirmation) and Add endpoint, whose secret is shown once.
 */
export async function showWebhooksView(panel: HTMLElement, ctx: ConsoleContext): Promise<void> {
  const api = webhookApi(ctx.api);
  const error = el('p', { className: 'error', attrs: { role: 'alert' } });
  const list = el('div', { className: 'webhook-list', attrs: { 'aria-busy': 'true' } }, [el('p', { className: 'muted', text: 'Loading webhooks…' })]);
  const reload = () => void showWebhooksView(panel, ctx);
  const add = el('button', { className: 'button primary', attrs: { type: 'button', disabled: true, ...WRITES }, text: 'Add endpoint' });
  replaceChildren(panel, [
    el('div', { className: 'view-head' }, [
      el('div', {}, [el('h2', { text: 'Webhooks' }), el('p', { className: 'muted', text: 'Partner systems get signed events as they happen; failed deliveries are retried with backoff.' })]),
      el('div', { className: 'toolbar' }, [add]),
    ]),
    error,
    list,
  ]);

  let loaded: { webhooks: Webhook[]; events: string[] };
  try {
    loaded = await api.list();
  } catch (failure) {
    error.textContent = errorMessage(failure);
    replaceChildren(list, []);
    return;
  }
  add.disabled = false;
  add.addEventListener('click', () => openWebhookCreateDialog(api, loaded.events, reload));
  list.removeAttribute('aria-busy');
  if (loaded.webhooks.length === 0) {
    replaceChildren(list, [el('p', { className: 'empty', text: 'No endpoints yet. Add one to send events to a partner system.' })]);
    return;
  }
  replaceChildren(list, loaded.webhooks.map((webhook) => endpointCard(webhook, loaded.events)));

  function endpointCard(webhook: Webhook, events: readonly string[]): HTMLElement {
    const titleId = uniqueId('webhook');
    const save = (patch: WebhookInput, done: string) => saveChange(api, ctx, webhook, patch, done, error);
    const chosen = eventCheckboxes({
      legend: 'Events',
      events,
      checked: webhook.events,
      onChange: (selected) => {
        if (selected.length === 0) return chosen.showError('Keep at least one event, or disable the endpoint.');
        chosen.clearError();
        void save({ events: selected }, 'Events saved.');
      },
    });
    return el('section', { className: 'webhook-card', attrs: { 'aria-labelledby': titleId, 'data-webhook-id': webhook.id } }, [
      el('h3', { className: 'mono webhook-url', attrs: { id: titleId }, text: webhook.url }),
      webhook.description ? el('p', { className: 'muted', text: webhook.description }) : null,
      chosen.element,
      toggle('Enabled', webhook.enabled, (enabled) => save({ enabled }, enabled ? 'Endpoint enabled.' : 'Endpoint disabled.')),
      toggle('Include personal fields', webhook.includePersonal, (includePersonal) => save({ includePersonal }, includePersonal ? 'Personal fields will be sent.' : 'Personal fields will not be sent.')),
      el('div', { className: 'toolbar' }, [
        el('button', { className: 'button', attrs: { type: 'button', 'aria-label': `Delivery log of ${webhook.url}` }, text: 'Delivery log', on: { click: () => openDeliveryLogDialog(api, webhook, ctx.workspace().timeZone) } }),
        el('button', { className: 'button danger', attrs: { type: 'button', 'aria-label': `Delete endpoint ${webhook.url}`, ...WRITES }, text: 'Delete', on: { click: () => void remove(webhook) } }),
      ]),
    ]);
  }

  async function remove(webhook: Webhook): Promise<void> {
    const ok = await confirmAction({
      title: 'Delete this endpoint?',
      message: `${webhook.url} receives no more events, and its delivery log is deleted.`,
      confirmLabel: 'Delete endpoint',
    });
    if (!ok) return;
    try {
      await api.remove(webhook.id);
      ctx.announce('Endpoint deleted.');
      reload();
    } catch (failure) {
      error.textContent = errorMessage(failure);
    }
  }
}

/** Saves one change of an endpoint; announces `done`, or shows the refusal and resolves false. */
async function saveChange(api: WebhookApi, ctx: ConsoleContext, webhook: Webhook, patch: WebhookInput, done: string, error: HTMLElement): Promise<boolean> {
  error.textContent = '';
  try {
    await api.update(webhook.id, patch);
    ctx.announce(done);
    return true;
  } catch (failure) {
    error.textContent = errorMessage(failure);
    return false;
  }
}
