import type { AdminApi } from './api-client.js';
import { apiKeyApi } from './api-keys/api-key-api.js';
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
import { createTabList } from './tab-list.js';
import { showWebhooksView } from './webhooks/webhooks-view.js';

/**
 * The signed-in console: a header (workspace name, Sign out), a live region for results and
 * its sections as tabs: Data (one tab per table), Flows, Exports, Webhooks, Codes, Audit, Data
 * subjects, Settings and API keys.
 */
export function showConsole(root: HTMLElement, options: { readonly api: AdminApi; readonly workspace: Workspace; signOut(): void }): void {
  let workspace = options.workspace;
  const announcer = createAnnouncer();
  const workspaceName = el('span', { className: 'workspace-name', text: workspace.name });
  const ctx: ConsoleContext = {
    api: options.api,
    workspace: () => workspace,
    setWorkspace(next: Workspace) {
      workspace = next;
      workspaceName.textContent = next.name;
    },
    announce: (message: string) => announcer.say(message),
  };
  const data = createDataView(ctx);
  const sections = createTabList('Console sections', [
    { key: 'data', label: ['Data'], show: (panel) => void data.show(panel) },
    { key: 'flows', label: ['Flows'], show: (panel) => void showFlowsView(panel, ctx) },
    { key: 'exports', label: ['Exports'], show: (panel) => void showExportsView(panel, ctx) },
    { key: 'webhooks', label: ['Webhooks'], show: (panel) => void showWebhooksView(panel, ctx) },
    { key: 'codes', label: ['Codes'], show: (panel) => void showCodesView(panel, ctx) },
    { key: 'audit', label: ['Audit'], show: (panel) => void showAuditView(panel, ctx) },
    { key: 'subjects', label: ['Data subjects'], show: (panel) => showSubjectsView(panel, ctx) },
    { key: 'settings', label: ['Settings'], show: (panel) => void showSettingsView(panel, ctx) },
    { key: 'api-keys', label: ['API keys'], show: (panel) => void showApiKeysView(panel, ctx) },
  ], { className: 'tabs main-tabs' });

  const header = el('header', { className: 'top' }, [
    el('div', { className: 'brand' }, [el('h1', { text: 'Parley console' }), workspaceName]),
    el('button', { className: 'button', attrs: { type: 'button' }, text: 'Sign out', on: { click: () => options.signOut() } }),
  ]);
  root.classList.remove('console-read-only');
  replaceChildren(root, [header, el('main', { className: 'content' }, [announcer.element, sections.element])]);
  sections.select('data');
  // A key that may only read says so, once, and the controls of changes it would be refused go (WRITES).
  void apiKeyApi(options.api).list().then((keys) => {
    if (keys.find((key) => key.current)?.access !== 'read') return;
    root.classList.add('console-read-only');
    workspaceName.after(el('span', { className: 'read-only-badge', attrs: { role: 'note' }, text: 'Read-only key: you can look, not change' }));
  }, () => {});
}
