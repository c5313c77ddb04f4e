import { ApiError } from './api-client.js';
import type { TableInfo, Workspace } from './api-types.js';
import type { ConsoleContext } from './console-context.js';
import { el, replaceChildren, uniqueId } from './dom-builder.js';
import { fieldForPath, nonBlankLines } from './error-paths.js';
import { createField, type FormField } from './form-field.js';
import { buildSettingsPatch, shortenedRetentions } from './settings-patch.js';
import { confirmAction } from './confirm-dialog.js';
import { errorMessage } from './status-messages.js';
import { inDisplayOrder, tableLabel } from './table-labels.js';
import { WRITES } from './write-actions.js';
import { createIncomingKeySection } from './incoming-key-section.js';

const MAX_RETENTION_DAYS = 3650;

function timeZoneList(): HTMLDataListElement {
  const zones = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return el('datalist', { attrs: { id: uniqueId('zones') } }, zones.map((zone) => el('option', { attrs: { value: zone } })));
}

/**
 * The Settings section: workspace name, time zone, storage on/off, retention per table (days),
 * how long the audit log keeps an entry, and allowed widget origins (one per line). Save sends only what changed; an API refusal is
 * shown with its message next to the field its path names.
 */
export async function showSettingsView(panel: HTMLElement, ctx: ConsoleContext): Promise<void> {
  replaceChildren(panel, [el('p', { className: 'muted', text: 'Loading settings…' })]);
  let workspace: Workspace;
  let tables: TableInfo[];
  try {
    [workspace, tables] = await Promise.all([ctx.api.workspace(), ctx.api.tables().then(inDisplayOrder)]);
    ctx.setWorkspace(workspace);
  } catch (failure) {
    replaceChildren(panel, [el('p', { className: 'error', attrs: { role: 'alert' }, text: errorMessage(failure) })]);
    return;
  }

  const zones = timeZoneList();
  const fields = new Map<string, FormField>();
  const add = (key: string, field: FormField) => (fields.set(key, field), field.element);
  const input = (attrs: Record<string, string | number | boolean>) => el('input', { className: 'input', attrs });

  const name = add('name', createField({ label: 'Workspace name', control: input({ type: 'text', value: workspace.name, maxlength: 200, autocomplete: 'off' }) }));
  const timeZone = add('timeZone', createField({
    label: 'Time zone',
    control: input({ type: 'text', value: workspace.timeZone, list: zones.id, autocomplete: 'off', spellcheck: 'false' }),
    hint: 'An IANA name such as Europe/Paris. Dates in this console and giveaway windows use it.',
  }));
  const storage = add('storageEnabled', createField({
    label: 'Store collected data',
    control: input({ type: 'checkbox', checked: workspace.storageEnabled }),
    hint: 'When off, flows still run but nothing personal is written anywhere; modules that need storage cannot be saved.',
  }));
  const retention = tables.map((table) => add(`retention.${table.name}`, createField({
    label: tableLabel(table.name),
    control: input({ type: 'number', min: 1, max: MAX_RETENTION_DAYS, step: 1, inputmode: 'numeric', value: table.retentionDays }),
    suffix: 'days',
    className: 'retention',
  })));
  const auditDays = add('auditRetentionDays', createField({
    label: 'Audit log',
    control: input({ type: 'number', min: 30, max: MAX_RETENTION_DAYS, step: 1, inputmode: 'numeric', value: workspace.auditRetentionDays }),
    suffix: 'days',
    hint: 'How long the audit log keeps what owners and keys did (30 to 3650 days). Older entries go at once.',
  }));
  const origins = add('allowedOrigins', createField({
    label: 'Allowed widget origins',
    control: el('textarea', { className: 'input mono', attrs: { rows: 4, spellcheck: 'false', autocapitalize: 'off' }, text: workspace.allowedOrigins.join('\n') }),
    hint: 'One per line, such as https://www.example.org. The chat widget only opens on these sites.',
  }));
  const retentionHelp = el('p', { className: 'hint', attrs: { id: uniqueId('retention-help') }, text: 'How long each row is kept after it is written. A shorter retention applies at once to rows already stored.' });
  const moduleOverrides = Object.entries(workspace.retention.modules ?? {}).flatMap(([moduleId, days]) =>
    Object.entries(days).map(([table, n]) => `${moduleId}: ${tableLabel(table)} ${n} days`));
  const moduleHelp = moduleOverrides.length === 0 ? undefined : el('p', { className: 'hint', text: `Set through the API and taking precedence over the values below for their module: ${moduleOverrides.join('; ')}.` });
  const retentionError = el('p', { className: 'field-error', attrs: { role: 'alert', hidden: true } });
  const formError = el('p', { className: 'error', attrs: { role: 'alert' } });
  const save = el('button', { className: 'button primary', attrs: { type: 'submit', ...WRITES }, text: 'Save settings' });

  const form = el('form', { className: 'settings', attrs: { novalidate: true, 'aria-labelledby': 'settings-title' } }, [
    el('h2', { attrs: { id: 'settings-title' }, text: 'Settings' }),
    el('fieldset', {}, [el('legend', { text: 'Workspace' }), name, timeZone, zones]),
    el('fieldset', {}, [el('legend', { text: 'Storage' }), storage]),
    el('fieldset', { attrs: { 'aria-describedby': retentionHelp.id } }, [el('legend', { text: 'Retention' }), retentionHelp, moduleHelp, el('div', { className: 'retention-grid' }, retention), retentionError, auditDays]),
    el('fieldset', {}, [el('legend', { text: 'Widget' }), origins]),
    formError,
    el('div', { className: 'actions' }, [save]),
  ]);
  replaceChildren(panel, [form, createIncomingKeySection(ctx.api, { timeZone: workspace.timeZone, announce: (message) => ctx.announce(message) })]);

  const value = (key: string) => fields.get(key)!.control.value;
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    for (const field of fields.values()) field.clearError();
    retentionError.hidden = true;
    formError.textContent = '';
    const result = buildSettingsPatch({
      name: value('name'),
      timeZone: value('timeZone'),
      storageEnabled: (fields.get('storageEnabled')!.control as HTMLInputElement).checked,
      origins: value('allowedOrigins'),
      retention: Object.fromEntries(tables.map((t) => [t.name, value(`retention.${t.name}`)])),
      auditDays: value('auditRetentionDays'),
    }, workspace, tables);
    if (!result.ok) return showError(result.field, result.message);
    if (Object.keys(result.patch).length === 0) return ctx.announce('No changes to save.');
    const shortened = shortenedRetentions(result.patch, workspace, tables);
    if (shortened.length > 0 && !(await confirmShorter(shortened))) return;
    save.disabled = true;
    try {
      ctx.setWorkspace(await ctx.api.updateWorkspace(result.patch));
      await showSettingsView(panel, ctx);
      ctx.announce('Settings saved.');
    } catch (failure) {
      save.disabled = false;
      const target = failure instanceof ApiError ? fieldForPath(failure.path) : undefined;
      if (!target) formError.textContent = errorMessage(failure);
      else if (target.index !== undefined) {
        const line = nonBlankLines(value('allowedOrigins'))[target.index]?.line;
        showError(target.field, line ? `Line ${line}: ${errorMessage(failure)}` : errorMessage(failure));
      } else showError(target.field, errorMessage(failure));
    }
  });

  function confirmShorter(shortened: readonly string[]): Promise<boolean> {
    return confirmAction({
      title: shortened.length === 1 ? 'Shorten a retention?' : 'Shorten these retentions?',
      message: `${shortened.join('; ')}. What is older than the new retention is hidden at once and deleted at the next sweep. This cannot be undone.`,
      confirmLabel: 'Shorten and save',
    });
  }

  function showError(key: string, message: string): void {
    const field = fields.get(key);
    if (!field) {
      retentionError.textContent = message;
      retentionError.hidden = false;
      return;
    }
    field.showError(message);
    field.control.focus();
  }
}
