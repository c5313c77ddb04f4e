import type { StoreRow, TableInfo } from './api-types.js';
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

function countText(table: TableInfo): string {
  return `${table.rows} ${table.rows === 1 ? 'row' : 'rows'} · kept ${table.retentionDays} ${table.retentionDays === 1 ? 'day' : 'days'}`;
}

/**
 * The view of one store table: its count and retention, Download and Delete all, one keyset
 * page of rows with Previous/Next, and a delete button per row (each behind a confirmation).
 */
export function showTableView(panel: HTMLElement, initial: TableInfo, ctx: ConsoleContext, host: TableViewHost): void {
  const label = tableLabel(initial.name);
  let info = initial;
  let pageSize: number = PAGE_SIZES[1];
  let generation = 0;

  const meta = el('p', { className: 'muted', text: countText(info) });
  const error = el('p', { className: 'error', attrs: { role: 'alert' } });
  const region = el('div', { className: 'table-scroll', attrs: { role: 'region', 'aria-label': `${label} rows`, tabindex: 0 } });
  const sizeId = uniqueId('page-size');
  const size = el('select', { className: 'input', attrs: { id: sizeId } }, PAGE_SIZES.map((n) => el('option', { attrs: { value: n, selected: n === pageSize }, text: String(n) })));
  size.addEventListener('change', () => {
    pageSize = Number(size.value);
    void go(FIRST_PAGE);
  });
  const pager = createPagerControls(`${label} pages`, (state) => void go(state), [el('div', { className: 'inline-field' }, [el('label', { attrs: { for: sizeId }, text: 'Rows per page' }), size])]);
  const download = el('button', { className: 'button primary', attrs: { type: 'button' }, text: 'Download', on: { click: () => openTableDownload(ctx.api, info.name, ctx.workspace().timeZone) } });
  const deleteAll = el('button', { className: 'button danger', attrs: { type: 'button', ...WRITES }, text: 'Delete all', on: { click: () => void removeAll() } });

  replaceChildren(panel, [
    el('div', { className: 'view-head' }, [el('div', {}, [el('h2', { text: label }), meta]), el('div', { className: 'toolbar' }, [download, deleteAll])]),
    error,
    region,
    pager.element,
  ]);
  void go(FIRST_PAGE);

  async function go(state: PagerState): Promise<void> {
    const mine = ++generation;
    error.textContent = '';
    try {
      const page = await ctx.api.rows(info.name, { limit: pageSize, after: currentCursor(state) });
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
        ? el('p', { className: 'empty', text: `No rows in ${label}.` })
        : renderRowsTable(rows, {
            caption: `${label}, page ${pageNumber(pager.state)}`,
            timeZone,
            onDelete: (row) => void removeRow(row),
            ...(info.name === 'files' && { onDownload: (row: StoreRow) => void downloadFile(row) }),
          }),
    ]);
    deleteAll.disabled = rows.length === 0 && pageNumber(pager.state) === 1;
  }

  async function refreshCount(): Promise<void> {
    const fresh = (await host.refreshTables()).find((t) => t.name === info.name);
    if (fresh) info = fresh;
    meta.textContent = countText(info);
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
    const ok = await confirmAction({
      title: `Delete every row of ${label}?`,
      message: `All ${info.rows} ${info.rows === 1 ? 'row' : 'rows'} of ${label} will be deleted for good. This cannot be undone.`,
      confirmLabel: 'Delete all rows',
      typeToConfirm: info.name,
    });
    if (!ok) return;
    try {
      const deleted = await ctx.api.deleteAllRows(info.name);
      ctx.announce(`${deleted} ${deleted === 1 ? 'row' : 'rows'} deleted from ${label}.`);
    } catch (failure) {
      error.textContent = errorMessage(failure);
    }
    await refreshCount().catch(() => undefined);
    await go(FIRST_PAGE);
  }
}
