import type { AdminApi } from './api-client.js';
import { API_PARTS, type ApiKey } from './api-keys/api-key-api.js';
import { showApiKeysView } from './api-keys/api-keys-view.js';
import type { Workspace } from './api-types.js';
import type { ConsoleContext } from './console-context.js';
import { showAuditView } from './audit-view.js';
import { showCodesView } from './codes-view.js';
import { createDataView } from './data-view.js';
import { el, replaceChildren } from './dom-builder.js';
import { showExportsView } from './exports/exports-view.js';
import { showFlowsView } from './flows-view.js';
import { showSettingsView } from './settings-view.js';
import { showSubjectsView } from './subjects-view.js';
import { createAnnouncer } from './status-messages.js';
import { createTabList, type TabSpec } from './tab-list.js';
import { showWebhooksView } from './webhooks/webhooks-view.js';

/** What a key may do: its access and the parts of the API it is limited to (null: all). */
export type ConsoleKey = Pick<ApiKey, 'access' | 'scopes'>;

/** What the key says of itself beside the workspace's name: read only, limited to some parts. */
function keyNotes(key: ConsoleKey): HTMLElement[] {
  const notes: string[] = [];
  if (key.access === 'read') notes.push('Read-only key: you can look, not change');
  if (key.scopes !== null) notes.push(`Key limited to ${key.scopes.map((scope) => API_PARTS.find((part) => part.value === scope)?.label ?? scope).join(', ')}`);
  return notes.map((text) => el('span', { className: 'key-badge', attrs: { role: 'note' }, text }));
}

/**
 * The signed-in console: a header (workspace name, what the key may do, Sign out), a live region
 * for results and its sections as tabs: Data (one tab per table), Flows, Exports, Webhooks, Codes,
 * Audit, Data subjects, Settings and API keys, those the key may call only. A read-only key's
 * console hides every control of a change (WRITES); one without the `workspace` part, those of
 * settings changed from other sections (WRITES_SETTINGS).
 */
export function showConsole(root: HTMLElement, options: { readonly api: AdminApi; readonly workspace: Workspace; readonly key: ConsoleKey; signOut(): void }): void {
  let workspace = options.workspace;
  const { key } = options;
  const announcer = createAnnouncer();
  const workspaceName = el('span', { className: 'workspace-name', text: workspace.name });
  const may = (part: string) => key.scopes === null || (part !== 'api-keys' && key.scopes.includes(part));
  const ctx: ConsoleContext = {
    api: options.api,
    workspace: () => workspace,
    setWorkspace(next: Workspace) {
      workspace = next;
      workspaceName.textContent = next.name;
    },
    may,
    announce: (message: string) => announcer.say(message),
  };
  const data = createDataView(ctx);
  const tabs: Array<TabSpec & { readonly part: string }> = [
    { key: 'data', part: 'data', label: ['Data'], show: (panel) => void data.show(panel) },
    { key: 'flows', part: 'flows', label: ['Flows'], show: (panel) => void showFlowsView(panel, ctx) },
    { key: 'exports', part: 'exports', label: ['Exports'], show: (panel) => void showExportsView(panel, ctx) },
    { key: 'webhooks', part: 'webhooks', label: ['Webhooks'], show: (panel) => void showWebhooksView(panel, ctx) },
    { key: 'codes', part: 'codes', label: ['Codes'], show: (panel) => void showCodesView(panel, ctx) },
    { key: 'audit', part: 'audit', label: ['Audit'], show: (panel) => void showAuditView(panel, ctx) },
    { key: 'subjects', part: 'subjects', label: ['Data subjects'], show: (panel) => showSubjectsView(panel, ctx) },
    { key: 'settings', part: 'workspace', label: ['Settings'], show: (panel) => void showSettingsView(panel, ctx) },
    { key: 'api-keys', part: 'api-keys', label: ['API keys'], show: (panel) => void showApiKeysView(panel, ctx) },
  ];
  const shown = tabs.filter((tab) => may(tab.part));
  const sections = createTabList('Console sections', shown, { className: 'tabs main-tabs' });
  // A key limited to parts the console has no section for (draws) can only be used through the API.
  const nothing = el('p', { className: 'empty', text: 'This key may call only parts of the API that the console has no section for. Use it with the API, or sign in with another key.' });

  const header = el('header', { className: 'top' }, [
    el('div', { className: 'brand' }, [el('h1', { text: 'Parley console' }), workspaceName, ...keyNotes(key)]),
    el('button', { className: 'button', attrs: { type: 'button' }, text: 'Sign out', on: { click: () => options.signOut() } }),
  ]);
  root.classList.toggle('console-read-only', key.access === 'read');
  root.classList.toggle('console-no-settings', !may('workspace'));
  replaceChildren(root, [header, el('main', { className: 'content' }, [announcer.element, shown.length > 0 ? sections.element : nothing])]);
  if (shown.length > 0) sections.select(shown[0]!.key);
}
