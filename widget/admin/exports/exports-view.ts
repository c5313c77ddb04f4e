import { confirmAction } from '../confirm-dialog.js';
import type { ConsoleContext } from '../console-context.js';
import { el, replaceChildren } from '../dom-builder.js';
import type { ExportSourceFlow, ExportSummary } from '../export-api-types.js';
import { errorMessage } from '../status-messages.js';
import { tableLabel } from '../table-labels.js';
import { formatInstant } from '../time-format.js';
import { showExportBuilder } from './export-builder-view.js';
import { describeTrigger, statusText } from './export-labels.js';
import { WRITES } from '../write-actions.js';

function nextRun(summary: ExportSummary, flow: ExportSourceFlow | undefined, timeZone: string): string {
  if (summary.nextRunAt) return formatInstant(summary.nextRunAt, timeZone);
  if (summary.definition.trigger?.type === 'closure') return flow?.closesAt && flow.status === 'open' ? `At closure (${formatInstant(flow.closesAt, timeZone)})` : 'When the flow closes';
  return '—';
}

/** What an export reads, in the list: its flow, or a table (of one flow or of every flow). */
function sourceText(source: ExportSummary['definition']['source'], flow: ExportSourceFlow | undefined): string {
  // A flow deleted since: its runs fail until one with this id exists again.
  const flowName = source.flow === undefined ? undefined : (flow?.name ?? `${source.flow} (no such flow)`);
  if (source.table === undefined) return flowName ?? '—';
  return `Table: ${tableLabel(source.table)}${flowName ? ` (${flowName})` : ''}`;
}

/**
 * The Exports section: every custom export with its flow, format, destination, trigger, next run
 * (in the workspace zone) and last run; New export, Edit and Delete (behind a confirmation).
 */
export async function showExportsView(panel: HTMLElement, ctx: ConsoleContext): Promise<void> {
  const error = el('p', { className: 'error', attrs: { role: 'alert' } });
  const region = el('div', { className: 'table-scroll', attrs: { role: 'region', 'aria-label': 'Exports list', tabindex: 0 } }, [el('p', { className: 'muted', text: 'Loading exports…' })]);
  const build = (exportId?: string) => void showExportBuilder(panel, ctx, { exportId, onDone: () => void showExportsView(panel, ctx) });
  const create = el('button', { className: 'button primary', attrs: { type: 'button', ...WRITES }, text: 'New export', on: { click: () => build() } });
  const timeZone = ctx.workspace().timeZone;
  replaceChildren(panel, [
    el('div', { className: 'view-head' }, [el('div', {}, [el('h2', { text: 'Exports' }), el('p', { className: 'muted', text: `Custom exports of a flow's data, delivered on a trigger. Times in ${timeZone}.` })]), el('div', { className: 'toolbar' }, [create])]),
    error,
    region,
  ]);

  let exports: readonly ExportSummary[];
  let flows: readonly ExportSourceFlow[];
  try {
    [exports, flows] = await Promise.all([ctx.api.exports(), ctx.api.exportSources()]);
  } catch (failure) {
    error.textContent = errorMessage(failure);
    replaceChildren(region, []);
    return;
  }
  if (exports.length === 0) {
    replaceChildren(region, [el('p', { className: 'empty', text: 'No exports yet. Build one with New export.' })]);
    return;
  }
  const kinds = await ctx.api.exportOptions().then((o) => o.destinations).catch(() => []);
  const rows = exports.map((summary) => {
    const d = summary.definition;
    const flow = d.source.flow === undefined ? undefined : flows.find((f) => f.id === d.source.flow);
    const kind = typeof d.destination?.kind === 'string' ? d.destination.kind : undefined;
    const last = summary.lastRun;
    return el('tr', { attrs: { 'data-export-id': summary.id } }, [
      el('th', { attrs: { scope: 'row' }, text: d.name }),
      el('td', { text: sourceText(d.source, flow) }),
      el('td', { text: d.format.type.toUpperCase() }),
      el('td', { text: kind ? (kinds.find((k) => k.kind === kind)?.title ?? kind) : 'None' }),
      el('td', { text: describeTrigger(d.trigger) }),
      el('td', { className: 'nowrap', text: nextRun(summary, flow, timeZone) }),
      el('td', {}, last ? [el('span', { className: `badge run-${last.status}`, text: `${statusText(last.status)} (run ${last.run})` })] : ['Never run']),
      el('td', {}, [
        el('div', { className: 'toolbar' }, [
          el('button', { className: 'button', attrs: { type: 'button', 'aria-label': `Edit export ${d.name}` }, text: 'Edit', on: { click: () => build(summary.id) } }),
          el('button', { className: 'button danger', attrs: { type: 'button', 'aria-label': `Delete export ${d.name}`, ...WRITES }, text: 'Delete', on: { click: () => void remove(summary) } }),
        ]),
      ]),
    ]);
  });
  replaceChildren(region, [
    el('table', { className: 'rows' }, [
      el('caption', { className: 'sr-only', text: 'Exports' }),
      el('thead', {}, [el('tr', {}, ['Export', 'Flow', 'Format', 'Destination', 'Trigger', 'Next run', 'Last run', 'Actions'].map((name) => el('th', { attrs: { scope: 'col' }, text: name })))]),
      el('tbody', {}, rows),
    ]),
  ]);

  async function remove(summary: ExportSummary): Promise<void> {
    const ok = await confirmAction({ title: `Delete ${summary.definition.name}?`, message: 'The export and its run history are deleted. Files already delivered stay where they are.', confirmLabel: 'Delete export' });
    if (!ok) return;
    try {
      await ctx.api.deleteExport(summary.id);
      ctx.announce(`${summary.definition.name} deleted.`);
      await showExportsView(panel, ctx);
    } catch (failure) {
      error.textContent = errorMessage(failure);
    }
  }
}
