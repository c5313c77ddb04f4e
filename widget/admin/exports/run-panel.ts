import { el, uniqueId } from '../dom-builder.js';
import type { ExportTrigger } from '../export-api-types.js';
import { errorMessage } from '../status-messages.js';
import type { BuilderContext } from './builder-context.js';
import { describeWindow, manualRunScope } from './export-labels.js';
import { createRunHistory } from './run-history.js';
import { WRITES } from '../write-actions.js';

/**
 * The run part of a saved export: "Run now", which says beforehand which participants it exports
 * and, once queued, the exact window the server chose; and the run history with live progress.
 */
export function createRunPanel(ctx: BuilderContext, exportId: string, savedTrigger: () => ExportTrigger | undefined): HTMLElement {
  const sentenceId = uniqueId('run-window');
  const sentence = el('p', { className: 'hint', attrs: { id: sentenceId }, text: `Run now exports ${manualRunScope(savedTrigger())}.` });
  const error = el('p', { className: 'error', attrs: { role: 'alert' } });
  const history = createRunHistory({ api: ctx.api, exportId, timeZone: ctx.timeZone, local: () => ctx.draft.savedKind === 'local' });
  const run = el('button', { className: 'button primary', attrs: { type: 'button', 'aria-describedby': sentenceId, ...WRITES }, text: 'Run now' });
  run.addEventListener('click', async () => {
    run.disabled = true;
    error.textContent = '';
    try {
      const queued = await ctx.api.runExport(exportId);
      const what = queued.window ? describeWindow(queued.window, ctx.timeZone) : manualRunScope(savedTrigger());
      ctx.announce(`Run ${queued.run} queued: it exports ${what}.`);
      await history.refresh();
    } catch (failure) {
      error.textContent = errorMessage(failure);
    } finally {
      run.disabled = false;
    }
  });
  void history.refresh();
  return el('section', { className: 'card run-panel', attrs: { 'aria-label': 'Run' } }, [
    el('h3', { text: 'Run' }),
    el('div', { className: 'toolbar' }, [run]),
    sentence,
    error,
    history.element,
  ]);
}
