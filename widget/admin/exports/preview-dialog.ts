import { el, replaceChildren } from '../dom-builder.js';
import { openModal } from '../modal-dialog.js';
import type { BuilderContext } from './builder-context.js';
import { previewDraft, renderPreviewTable } from './preview-table.js';

/** Rows a preview shows. */
const PREVIEW_ROWS = 20;

/**
 * Preview, from any step: a dry run of the export as it stands (saved or not) on the flow's
 * first rows, as a table and as the file's text; nothing is delivered.
 */
export async function openPreviewDialog(ctx: BuilderContext): Promise<void> {
  const dialog = openModal({ title: 'Preview', description: `A dry run on the first ${PREVIEW_ROWS} rows, with the conditions, filters and sizes applied. Nothing is delivered.`, className: 'preview-dialog' });
  const body = el('div', {}, [el('p', { className: 'muted', attrs: { role: 'status' }, text: 'Rendering…' })]);
  const close = el('button', { className: 'button primary', attrs: { type: 'button' }, text: 'Close', on: { click: () => dialog.close() } });
  dialog.body.append(body, el('div', { className: 'actions' }, [close]));
  close.focus();
  const result = await previewDraft(ctx, PREVIEW_ROWS);
  if (!result.preview) {
    replaceChildren(body, [el('p', { className: 'error', attrs: { role: 'alert' }, text: result.error ?? 'The preview failed.' })]);
    return;
  }
  const rows = result.preview.rows.length;
  replaceChildren(body, [
    el('p', { attrs: { role: 'status' }, text: rows === 0 ? 'No row matches yet.' : `${rows} row${rows === 1 ? '' : 's'} shown.` }),
    renderPreviewTable(result.preview, 'Preview rows'),
    el('details', {}, [el('summary', { text: 'The file as text' }), el('pre', { className: 'file-text', text: result.preview.text })]),
  ]);
}
