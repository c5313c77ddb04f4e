import { ApiError } from '../api-client.js';
import { el, replaceChildren } from '../dom-builder.js';
import type { ExportPreview } from '../export-api-types.js';
import { errorMessage } from '../status-messages.js';
import type { BuilderContext } from './builder-context.js';
import { contentOf, hasSource } from './export-draft.js';

/** A dry run's rows as a table: the columns as the file names them, then the rows (every value as text). */
export function renderPreviewTable(preview: ExportPreview, caption: string): HTMLElement {
  const body = preview.rows.length > 0
    ? preview.rows.map((cells) => el('tr', {}, cells.map((cell) => el('td', { text: cell }))))
    : [el('tr', {}, [el('td', { className: 'muted', attrs: { colspan: Math.max(1, preview.columns.length) }, text: 'No entry matches yet.' })])];
  return el('div', { className: 'table-scroll', attrs: { role: 'region', 'aria-label': caption, tabindex: 0 } }, [
    el('table', { className: 'rows preview' }, [
      el('caption', { className: 'sr-only', text: caption }),
      el('thead', {}, [el('tr', {}, preview.columns.map((column) => el('th', { attrs: { scope: 'col' }, text: column })))]),
      el('tbody', {}, body),
    ]),
  ]);
}

/** Runs a dry run of the draft as it stands; a refusal comes back as its message (and JSON path). */
export async function previewDraft(ctx: BuilderContext, limit: number): Promise<{ preview?: ExportPreview; error?: string; path?: string }> {
  if (!hasSource(ctx.draft)) return { error: 'Choose a flow or a table in step 1 first.' };
  if (ctx.draft.fields.length === 0) return { error: 'Add at least one field in step 2 first.' };
  try {
    return { preview: await ctx.api.previewDraft(contentOf(ctx.draft, ctx.operatorShape), limit) };
  } catch (failure) {
    return { error: errorMessage(failure), path: failure instanceof ApiError ? failure.path : undefined };
  }
}

/**
 * The live preview under the design zone: the columns as the file will have them and its first
 * row, refreshed (debounced by the caller) whenever the draft changes.
 */
export function createFirstRowPreview(ctx: BuilderContext): { element: HTMLElement; refresh(): Promise<void> } {
  const holder = el('div', { className: 'first-row' });
  const status = el('p', { className: 'hint', attrs: { role: 'status' } });
  let generation = 0;
  return {
    element: el('section', { className: 'first-row-preview', attrs: { 'aria-label': 'Live preview' } }, [el('h4', { text: 'Live preview: the file’s columns and its first row' }), status, holder]),
    async refresh() {
      generation += 1;
      const mine = generation;
      const result = await previewDraft(ctx, 1);
      if (mine !== generation) return;
      status.textContent = result.error ?? '';
      replaceChildren(holder, result.preview ? [renderPreviewTable(result.preview, 'First row of the file')] : []);
    },
  };
}
