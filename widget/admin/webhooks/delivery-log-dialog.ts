import { el, replaceChildren } from '../dom-builder.js';
import { openModal } from '../modal-dialog.js';
import { errorMessage } from '../status-messages.js';
import { formatInstant } from '../time-format.js';
import type { Webhook, WebhookApi, WebhookDelivery } from './webhook-api.js';

const STATUS_TEXT: Readonly<Record<WebhookDelivery['status'], string>> = Object.freeze({
  pending: 'Pending',
  retrying: 'Retrying',
  succeeded: 'Delivered',
  failed: 'Failed',
});

function deliveryRow(delivery: WebhookDelivery, timeZone: string): HTMLTableRowElement {
  const at = delivery.lastAttemptAt ?? delivery.createdAt;
  return el('tr', { attrs: { 'data-delivery-id': delivery.id } }, [
    el('td', {}, [el('time', { attrs: { datetime: at }, text: formatInstant(at, timeZone) })]),
    el('td', { className: 'mono', text: delivery.eventType }),
    el('td', {}, [el('span', { className: `badge ${delivery.status}`, text: STATUS_TEXT[delivery.status] })]),
    el('td', { text: String(delivery.attempts) }),
    el('td', { text: delivery.responseStatus === null ? '—' : String(delivery.responseStatus) }),
    el('td', { text: delivery.lastError ?? '—' }),
  ]);
}

/** The delivery log of one endpoint, newest first, with a Refresh button. */
export function openDeliveryLogDialog(api: WebhookApi, webhook: Webhook, timeZone: string): void {
  const modal = openModal({ title: 'Delivery log', description: webhook.url, className: 'wide' });
  const error = el('p', { className: 'error', attrs: { role: 'alert' } });
  const region = el('div', { className: 'table-scroll', attrs: { role: 'region', 'aria-label': 'Deliveries', tabindex: 0 } });
  const refresh = el('button', { className: 'button', attrs: { type: 'button' }, text: 'Refresh', on: { click: () => void load() } });
  const close = el('button', { className: 'button primary', attrs: { type: 'button' }, text: 'Close', on: { click: () => modal.close() } });
  replaceChildren(modal.body, [error, region, el('div', { className: 'actions' }, [refresh, close])]);
  void load();

  async function load(): Promise<void> {
    error.textContent = '';
    let deliveries: readonly WebhookDelivery[];
    try {
      deliveries = await api.deliveries(webhook.id);
    } catch (failure) {
      error.textContent = errorMessage(failure);
      return;
    }
    if (deliveries.length === 0) {
      replaceChildren(region, [el('p', { className: 'empty', text: 'No deliveries yet.' })]);
      return;
    }
    replaceChildren(region, [
      el('table', { className: 'rows compact' }, [
        el('caption', { className: 'sr-only', text: `Deliveries to ${webhook.url}, newest first` }),
        el('thead', {}, [el('tr', {}, ['Time', 'Event', 'Status', 'Attempts', 'HTTP', 'Last error'].map((name) => el('th', { attrs: { scope: 'col' }, text: name })))]),
        el('tbody', {}, deliveries.map((d) => deliveryRow(d, timeZone))),
      ]),
    ]);
  }
}
