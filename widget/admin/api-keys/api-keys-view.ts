import { confirmAction } from '../confirm-dialog.js';
import type { ConsoleContext } from '../console-context.js';
import { el, replaceChildren } from '../dom-builder.js';
import { errorMessage } from '../status-messages.js';
import { formatInstant } from '../time-format.js';
import { accessText, apiKeyApi, type ApiKey } from './api-key-api.js';
import { openApiKeyCreateDialog } from './api-key-create-dialog.js';
import { WRITES } from '../write-actions.js';

/**
 * The API keys section: every key of the workspace (name, first characters, access, created,
 * last used, expiry, active, expired or revoked), Issue key (full access or read only, never
 * expiring or for some days; the key shown once) and Revoke behind a confirmation (never the
 * last working key with full access). The key this console is
 * signed in with is marked; revoking it signs the console out.
 */
export async function showApiKeysView(panel: HTMLElement, ctx: ConsoleContext): Promise<void> {
  const api = apiKeyApi(ctx.api);
  const zone = ctx.workspace().timeZone;
  const error = el('p', { className: 'error', attrs: { role: 'alert' } });
  const list = el('div', { className: 'table-scroll', attrs: { 'aria-busy': 'true' } }, [el('p', { className: 'muted', text: 'Loading API keys…' })]);
  const reload = () => void showApiKeysView(panel, ctx);
  const issue = el('button', { className: 'button primary', attrs: { type: 'button', ...WRITES }, text: 'Issue key', on: { click: () => openApiKeyCreateDialog(api, reload) } });
  replaceChildren(panel, [
    el('div', { className: 'view-head' }, [
      el('div', {}, [el('h2', { text: 'API keys' }), el('p', { className: 'muted', text: 'Each key opens this workspace’s admin API and console. Only a hash of each is kept: a lost key cannot be shown again, issue another.' })]),
      el('div', { className: 'toolbar' }, [issue]),
    ]),
    error,
    list,
  ]);
  let keys: ApiKey[];
  try {
    keys = await api.list();
  } catch (failure) {
    error.textContent = errorMessage(failure);
    replaceChildren(list, []);
    return;
  }
  list.removeAttribute('aria-busy');
  const working = (key: ApiKey) => key.revokedAt === null && !key.expired;
  // The last working key with full access to the whole API stays (the API refuses to revoke it).
  const master = (key: ApiKey) => working(key) && key.access === 'full' && key.scopes === null;
  const locked = (key: ApiKey) => master(key) && keys.filter(master).length === 1;
  const when = (iso: string | null, none: string) => (iso === null ? el('span', { className: 'muted', text: none }) : el('time', { attrs: { datetime: iso }, text: formatInstant(iso, zone) }));
  const head = el('thead', {}, [el('tr', {}, ['Name', 'Key', 'Access', 'Created', 'Last used', 'Expires', 'Status', 'Actions'].map((name) => el('th', { attrs: { scope: 'col' }, text: name })))]);
  const body = el('tbody', {}, keys.map((key) => el('tr', { attrs: { 'data-key-id': key.id } }, [
    el('th', { attrs: { scope: 'row' }, text: key.current ? `${key.name} (this console)` : key.name }),
    el('td', { className: 'mono', text: `${key.prefix}…` }),
    el('td', { text: accessText(key) }),
    el('td', { className: 'nowrap' }, [when(key.createdAt, '—')]),
    el('td', { className: 'nowrap' }, [when(key.lastUsedAt, 'Never')]),
    el('td', { className: 'nowrap' }, [when(key.expiresAt, 'Never')]),
    el('td', {}, status(key)),
    el('td', {}, key.revokedAt !== null ? [] : [el('button', {
      className: 'button danger',
      attrs: { type: 'button', 'aria-label': `Revoke API key ${key.name}`, ...WRITES, disabled: locked(key), title: locked(key) ? 'The workspace’s last active key with full access to the whole API: issue another one first.' : undefined },
      text: 'Revoke',
      on: { click: () => void revoke(key) },
    })]),
  ])));
  replaceChildren(list, [el('table', { className: 'rows read-only' }, [el('caption', { className: 'sr-only', text: 'API keys' }), head, body])]);

  function status(key: ApiKey): Array<HTMLElement> {
    if (key.revokedAt !== null) return [el('span', { text: 'Revoked ' }), when(key.revokedAt, '')];
    return [el('span', { text: key.expired ? 'Expired' : 'Active' })];
  }

  async function revoke(key: ApiKey): Promise<void> {
    const ok = await confirmAction({
      title: `Revoke “${key.name}”?`,
      message: key.current
        ? 'This console is signed in with this key: it signs out at once, and every system using the key is refused from now on.'
        : 'Every system using this key is refused from its next request. This cannot be undone.',
      confirmLabel: 'Revoke key',
    });
    if (!ok) return;
    try {
      await api.revoke(key.id);
      ctx.announce(`API key ${key.name} revoked.`);
      reload();
    } catch (failure) {
      error.textContent = errorMessage(failure);
    }
  }
}
