import type { StoreRow } from './api-types.js';
import { el, srOnly } from './dom-builder.js';
import { icon } from './icons.js';
import { formatInstant } from './time-format.js';
import { describeValues } from './value-format.js';
import { WRITES } from './write-actions.js';

/** What the rows table needs besides the rows. */
export interface RowsTableOptions {
  readonly caption: string;
  readonly timeZone: string;
  /** Adds a delete button per row (and an Actions column) when set. */
  onDelete?(row: StoreRow): void;
  /** Adds a download button per row (a row of the Files table), before its delete button if any. */
  onDownload?(row: StoreRow): void;
  /** Adds a Flow column: the name of the flow that stored each row. */
  flowOf?(row: StoreRow): string;
}

function timeCell(iso: string, timeZone: string): HTMLTableCellElement {
  return el('td', { className: 'nowrap' }, [el('time', { attrs: { datetime: iso }, text: formatInstant(iso, timeZone) })]);
}

function valuesCell(values: Readonly<Record<string, unknown>> | null, empty: string): HTMLTableCellElement {
  const entries = describeValues(values);
  if (entries.length === 0) return el('td', { className: 'muted', text: empty });
  return el('td', {}, [el('dl', { className: 'values' }, entries.flatMap((entry) => [el('dt', { text: entry.key }), el('dd', { text: entry.text })]))]);
}

/** The buttons of one row: download its file (when the table keeps files and the row still has its file), delete it. */
function actionsCell(row: StoreRow, timeZone: string, { onDelete, onDownload }: Pick<RowsTableOptions, 'onDelete' | 'onDownload'>): HTMLTableCellElement {
  const created = formatInstant(row.createdAt, timeZone);
  // Anonymizing a person removes their files (storage/subject-anonymization.ts): nothing to download.
  const hasFile = row.data.anonymized_at === undefined;
  return el('td', { className: 'nowrap' }, [
    onDownload && hasFile
      ? el('button', {
          className: 'button icon-button',
          attrs: { type: 'button', 'aria-label': `Download the file of the row created ${created}`, title: 'Download file' },
          on: { click: () => onDownload(row) },
        }, [icon('download')])
      : null,
    onDelete
      ? el('button', {
          className: 'button icon-button danger',
          attrs: { type: 'button', 'aria-label': `Delete row created ${created}`, title: 'Delete row', ...WRITES },
          on: { click: () => onDelete(row) },
        }, [icon('trash')])
      : null,
  ]);
}

/**
 * Rows as a table: created, expires, the flow (when `flowOf` is given), module/step, data, personal values, and per row a download
 * and a delete button when `onDownload` and `onDelete` are given. Every value goes in as text.
 */
export function renderRowsTable(rows: readonly StoreRow[], options: RowsTableOptions): HTMLTableElement {
  const actions = options.onDelete !== undefined || options.onDownload !== undefined;
  const columns = ['Created', 'Expires', ...(options.flowOf ? ['Flow'] : []), 'Module / step', 'Data', 'Personal', ...(actions ? ['Actions'] : [])];
  const head = el('thead', {}, [
    el('tr', {}, columns.map((name) => el('th', { attrs: { scope: 'col' } }, name === 'Actions' ? [srOnly(name)] : [name]))),
  ]);
  const body = el('tbody', {}, rows.map((row) => {
    return el('tr', { attrs: { 'data-row-id': row.id } }, [
      timeCell(row.createdAt, options.timeZone),
      timeCell(row.expiresAt, options.timeZone),
      options.flowOf ? el('td', { text: options.flowOf(row) }) : null,
      el('td', {}, [el('span', { className: 'mono', text: row.moduleId }), row.stepId ? el('span', { className: 'muted', text: ` / ${row.stepId}` }) : null]),
      valuesCell(row.data, '—'),
      valuesCell(row.personal, 'None'),
      actions ? actionsCell(row, options.timeZone, options) : null,
    ]);
  }));
  return el('table', { className: actions ? 'rows' : 'rows read-only' }, [el('caption', { className: 'sr-only', text: options.caption }), head, body]);
}
