import type { StoreRow, TableFlow, TableInfo } from './api-types.js';
import { confirmAction } from './confirm-dialog.js';
import type { ConsoleContext, TableViewHost } from './console-context.js';
import { el, replaceChildren, uniqueId } from './dom-builder.js';
import { openTableDownload } from './download-dialog.js';
import { currentCursor, FIRST_PAGE, pageNumber, previousPage, type PagerState } from './keyset-pager.js';
import { createPagerControls } from './pager-controls.js';
import { renderRowsTable } from './rows-table.js';
import { saveRowFile } from './row-file.js';
import { errorMessage } from './status-messages.js';
import { tableLabel } from './table-labels.js';
import { formatInstant } from './time-format.js';
import { WRITES } from './write-actions.js';

export const PAGE_SIZES = [10, 25, 50, 100] as const;

const rowsText = (n: number) => `${n} ${n === 1 ? 'row' : 'rows'}`;

function countText(table: TableInfo, flow: TableFlow | undefined): string {
  const rows = flow ? `${rowsText(flow.rows)} of ${flowName(flow)} (${rowsText(table.rows)} in all)` : rowsText(table.rows);
  return `${rows} · kept ${table.retentionDays} ${table.retentionDays === 1 ? 'day' : 'days'}`;
}

/** A flow as the Data tab names it; a deleted flow's rows stay until they expire. */
function flowName(flow: Pick<TableFlow, 'flowId' | 'name'>): string {
  return flow.name ?? `deleted flow ${flow.flowId.slice(0, 8)}`;
}

/**
 * The view of one store table: its count and retention, a choice of flow (every flow, or the
 * rows one flow stored), Download and Delete all (of what is shown), one keyset page of rows with
 * Previous/Next, and a delete button per row (each behind a confirmation).
 */
export function showTableView(panel: HTMLElement, initial: TableInfo, ctx: ConsoleContext, host: TableViewHost): void {
  const label = tableLabel(initial.name);
  let info = initial;
  let pageSize: number = PAGE_SIZES[1];
  let generation = 0;
  let flows: readonly TableFlow[] = [];
  let chosen: TableFlow | undefined;

  const meta = el('p', { className: 'muted', text: countText(info, undefined) });
  const error = el('p', { className: 'error', attrs: { role: 'alert' } });
  const region = el('div', { className: 'table-scroll', attrs: { role: 'region', 'aria-label': `${label} rows`, tabindex: 0 } });
  const sizeId = uniqueId('page-size');
  const size = el('select', { className: 'input', attrs: { id: sizeId } }, PAGE_SIZES.map((n) => el('option', { attrs: { value: n, selected: n === pageSize }, text: String(n) })));
  size.addEventListener('change', () => {
    pageSize = Number(size.value);
    void go(FIRST_PAGE);
  });
  const pager = createPagerControls(`${label} pages`, (state) => void go(state), [el('div', { className: 'inline-field' }, [el('label', { attrs: { for: sizeId }, text: 'Rows per page' }), size])]);
  const flowId = uniqueId('flow');
  const flowSelect = el('select', { className: 'input', attrs: { id: flowId } });
  flowSelect.addEventListener('change', () => {
    chosen = flows.find((f) => f.flowId === flowSelect.value);
    meta.textContent = countText(info, chosen);
    void go(FIRST_PAGE);
  });
  const flowField = el('div', { className: 'inline-field' }, [el('label', { attrs: { for: flowId }, text: 'Flow' }), flowSelect]);
  const download = el('button', {
    className: 'button primary', attrs: { type: 'button' }, text: 'Download',
    on: { click: () => openTableDownload(ctx.api, info.name, ctx.workspace().timeZone, chosen && { flowId: chosen.flowId, name: flowName(chosen) }) },
  });
  const deleteAll = el('button', { className: 'button danger', attrs: { type: 'button', ...WRITES }, text: 'Delete all', on: { click: () => void removeAll() } });

  replaceChildren(panel, [
    el('div', { className: 'view-head' }, [el('div', {}, [el('h2', { text: label }), meta]), el('div', { className: 'toolbar' }, [flowField, download, deleteAll])]),
    error,
    region,
    pager.element,
  ]);
  // The rows wait for the flows, so each row's flow is named from the start.
  let flowsLoaded = loadFlows();
  void go(FIRST_PAGE);

  /** The flows with rows in the table, in the choice; a flow chosen that has none left goes back to every flow. */
  async function loadFlows(): Promise<void> {
    try {
      flows = await ctx.api.tableFlows(info.name);
    } catch (failure) {
      error.textContent = errorMessage(failure);
      return;
    }
    const keep = chosen && flows.find((f) => f.flowId === chosen!.flowId);
    replaceChildren(flowSelect, [
      el('option', { attrs: { value: '' }, text: 'All flows' }),
      ...flows.map((f) => el('option', { attrs: { value: f.flowId }, text: `${flowName(f)} (${rowsText(f.rows)})` })),
    ]);
    flowSelect.value = keep?.flowId ?? '';
    const lost = chosen !== undefined && keep === undefined;
    chosen = keep;
    meta.textContent = countText(info, chosen);
    if (lost) void go(FIRST_PAGE);
  }

  async function go(state: PagerState): Promise<void> {
    const mine = ++generation;
    error.textContent = '';
    try {
      const page = await ctx.api.rows(info.name, { limit: pageSize, after: currentCursor(state), flowId: chosen?.flowId });
      await flowsLoaded;
      if (mine !== generation) return;
      if (page.rows.length === 0 && pageNumber(state) > 1) return go(previousPage(state));
      pager.shown(state, page.next);
      render(page.rows);
    } catch (failure) {
      if (mine === generation) error.textContent = errorMessage(failure);
    }
  }

  function render(rows: readonly StoreRow[]): void {
    const timeZone = ctx.workspace().timeZone;
    replaceChildren(region, [
      rows.length === 0
        ? el('p', { className: 'empty', text: chosen ? `No rows of ${flowName(chosen)} in ${label}.` : `No rows in ${label}.` })
        : renderRowsTable(rows, {
            caption: `${label}${chosen ? ` of ${flowName(chosen)}` : ''}, page ${pageNumber(pager.state)}`,
            timeZone,
            ...(!chosen && rows.some((row) => row.flowId !== null) && { flowOf: (row: StoreRow) => rowFlowText(row.flowId) }),
            onDelete: (row) => void removeRow(row),
            ...(info.name === 'files' && { onDownload: (row: StoreRow) => void downloadFile(row) }),
          }),
    ]);
    deleteAll.disabled = rows.length === 0 && pageNumber(pager.state) === 1;
  }

  function rowFlowText(id: string | null): string {
    if (id === null) return '—';
    return flowName(flows.find((f) => f.flowId === id) ?? { flowId: id, name: null });
  }

  async function refreshCount(): Promise<void> {
    const fresh = (await host.refreshTables()).find((t) => t.name === info.name);
    if (fresh) info = fresh;
    flowsLoaded = loadFlows();
    await flowsLoaded;
  }

  async function downloadFile(row: StoreRow): Promise<void> {
    error.textContent = '';
    await saveRowFile(ctx.api, row).catch((failure: unknown) => (error.textContent = errorMessage(failure)));
  }

  async function removeRow(row: StoreRow): Promise<void> {
    const created = formatInstant(row.createdAt, ctx.workspace().timeZone);
    const ok = await confirmAction({
      title: 'Delete this row?',
      message: `The row of ${label} created ${created} will be deleted for good: it disappears from every view, download and export.`,
      confirmLabel: 'Delete row',
    });
    if (!ok) return;
    try {
      await ctx.api.deleteRow(info.name, row.id);
      ctx.announce('Row deleted.');
    } catch (failure) {
      error.textContent = errorMessage(failure);
    }
    await refreshCount().catch(() => undefined);
    await go(pager.state);
    region.focus();
  }

  async function removeAll(): Promise<void> {
    const flow = chosen;
    const ok = await confirmAction({
      title: flow ? `Delete every row of ${label} that ${flowName(flow)} stored?` : `Delete every row of ${label}?`,
      message: flow
        ? `All ${rowsText(flow.rows)} of ${label} that ${flowName(flow)} stored will be deleted for good; other flows' rows stay. This cannot be undone.`
        : `All ${rowsText(info.rows)} of ${label} will be deleted for good. This cannot be undone.`,
      confirmLabel: 'Delete all rows',
      typeToConfirm: info.name,
    });
    if (!ok) return;
    try {
      const deleted = await ctx.api.deleteAllRows(info.name, flow?.flowId);
      ctx.announce(`${rowsText(deleted)} deleted from ${label}${flow ? ` (${flowName(flow)})` : ''}.`);
    } catch (failure) {
      error.textContent = errorMessage(failure);
    }
    await refreshCount().catch(() => undefined);
    await go(FIRST_PAGE);
  }
}
