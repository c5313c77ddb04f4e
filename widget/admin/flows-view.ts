import type { Flow } from './api-types.js';
import { confirmAction, type ConfirmOptions } from './confirm-dialog.js';
import type { ConsoleContext } from './console-context.js';
import { el, replaceChildren } from './dom-builder.js';
import { errorMessage } from './status-messages.js';
import { formatWindow } from './time-format.js';
import { showFlowBuilder } from './flows/flow-builder-view.js';
import { showFlowStats } from './flows/flow-stats-view.js';
import { openFlowCopyDialog } from './flows/flow-copy-dialog.js';
import { WRITES } from './write-actions.js';

function statusBadge(flow: Flow): HTMLSpanElement {
  return el('span', { className: `badge ${flow.status}`, text: flow.status === 'open' ? 'Open' : 'Closed' });
}

/**
 * The Flows section: every flow with its status, hash id and open window, an Edit button that
 * opens it in the flow builder, a Statistics button, a Copy button (a new id and name; the copy
 * opens in the builder), a Close button (behind a confirmation) on open flows, a Delete button
 * (behind the flow id typed, naming the exports that read the flow), and New flow.
 */
export async function showFlowsView(panel: HTMLElement, ctx: ConsoleContext): Promise<void> {
  const error = el('p', { className: 'error', attrs: { role: 'alert' } });
  const region = el('div', { className: 'table-scroll', attrs: { role: 'region', 'aria-label': 'Flows list', tabindex: 0 } }, [el('p', { className: 'muted', text: 'Loading flows…' })]);
  const build = (flowId?: string) => void showFlowBuilder(panel, ctx, { flowId, onDone: () => void showFlowsView(panel, ctx) });
  const statistics = (flow: Flow) => void showFlowStats(panel, ctx, { flowId: flow.id, flowName: flow.name, onDone: () => void showFlowsView(panel, ctx) });
  // A copy opens in the builder, to change its dates and texts.
  const copied = (copy: Flow) => {
    ctx.announce(`${copy.name} created as a copy.`);
    build(copy.id);
  };
  const create = el('button', { className: 'button primary', attrs: { type: 'button', ...WRITES }, text: 'New flow', on: { click: () => build() } });
  replaceChildren(panel, [el('div', { className: 'view-head' }, [el('div', {}, [el('h2', { text: 'Flows' }), el('p', { className: 'muted', text: 'A closed flow takes no new sessions or replies.' })]), el('div', { className: 'toolbar' }, [create])]), error, region]);

  let flows: readonly Flow[];
  try {
    flows = await ctx.api.flows();
  } catch (failure) {
    error.textContent = errorMessage(failure);
    replaceChildren(region, []);
    return;
  }
  if (flows.length === 0) {
    replaceChildren(region, [el('p', { className: 'empty', text: 'No flows yet. Build one with New flow.' })]);
    return;
  }
  const timeZone = ctx.workspace().timeZone;
  const rows = flows.map((flow) => el('tr', { attrs: { 'data-flow-id': flow.id } }, [
    el('th', { attrs: { scope: 'row' } }, [el('span', { className: 'flow-name', text: flow.name }), el('span', { className: 'muted mono', text: flow.id })]),
    el('td', {}, [statusBadge(flow)]),
    el('td', { className: 'mono', text: flow.hashId }),
    el('td', { text: formatWindow(flow.opensAt, flow.closesAt, timeZone) }),
    el('td', {}, [
      el('div', { className: 'toolbar' }, [
        el('button', { className: 'button', attrs: { type: 'button', 'aria-label': `Edit flow ${flow.name}` }, text: 'Edit', on: { click: () => build(flow.id) } }),
        el('button', { className: 'button', attrs: { type: 'button', 'aria-label': `Statistics of flow ${flow.name}` }, text: 'Statistics', on: { click: () => statistics(flow) } }),
        el('button', { className: 'button', attrs: { type: 'button', 'aria-label': `Copy flow ${flow.name}`, ...WRITES }, text: 'Copy', on: { click: () => openFlowCopyDialog(ctx.api, flow, copied) } }),
        flow.status === 'open'
          ? el('button', { className: 'button danger', attrs: { type: 'button', 'aria-label': `Close flow ${flow.name}`, ...WRITES }, text: 'Close', on: { click: () => void close(flow) } })
          : null,
        el('button', { className: 'button danger', attrs: { type: 'button', 'aria-label': `Delete flow ${flow.name}`, ...WRITES }, text: 'Delete', on: { click: () => void remove(flow) } }),
      ]),
    ]),
  ]));
  replaceChildren(region, [
    el('table', { className: 'rows' }, [
      el('caption', { className: 'sr-only', text: 'Flows' }),
      el('thead', {}, [el('tr', {}, ['Flow', 'Status', 'Hash id', 'Window', 'Actions'].map((name) => el('th', { attrs: { scope: 'col' }, text: name })))]),
      el('tbody', {}, rows),
    ]),
  ]);

  /** Asks `confirm`, then does `change` and says `done`, showing the list again; a refusal shows above it. */
  async function confirmedChange(confirm: ConfirmOptions, change: () => Promise<unknown>, done: string): Promise<void> {
    if (!(await confirmAction(confirm))) return;
    try {
      await change();
      ctx.announce(done);
      await showFlowsView(panel, ctx);
    } catch (failure) {
      error.textContent = errorMessage(failure);
    }
  }

  function close(flow: Flow): Promise<void> {
    return confirmedChange({
      title: `Close ${flow.name}?`,
      message: 'The flow stops taking new sessions and replies at once, and what waits for its closure (draw reveals, exports at closure) runs. It cannot be reopened from here.',
      confirmLabel: 'Close flow',
    }, () => ctx.api.closeFlow(flow.id), `${flow.name} is closed.`);
  }

  async function remove(flow: Flow): Promise<void> {
    return confirmedChange({
      title: `Delete ${flow.name}?`,
      message: `${flow.status === 'open' ? 'Its widget stops at once, mid-conversation too. ' : ''}Its sessions, versions, statistics, draws, instant-win moments and unhanded codes are deleted. What it stored (participations, winners, consents, …) stays in Data until each row expires. ${await exportsNote(flow)}`.trim(),
      confirmLabel: 'Delete flow',
      typeToConfirm: flow.id,
    }, () => ctx.api.deleteFlow(flow.id), `${flow.name} is deleted.`);
  }

  /** The exports that read `flow`, which fail once it is gone (a key without the exports part is not told). */
  async function exportsNote(flow: Flow): Promise<string> {
    if (!ctx.may('exports')) return '';
    const reading = (await ctx.api.exports().catch(() => [])).filter((summary) => summary.definition.source.flow === flow.id);
    if (reading.length === 0) return '';
    const names = reading.map((summary) => `“${summary.definition.name}”`).join(', ');
    return `${reading.length === 1 ? 'The export' : 'The exports'} ${names} ${reading.length === 1 ? 'reads' : 'read'} this flow: ${reading.length === 1 ? 'its runs fail' : 'their runs fail'} until a flow with this id exists again. `;
  }
}
