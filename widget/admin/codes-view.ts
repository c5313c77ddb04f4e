import { ApiError } from './api-client.js';
import type { CodePool } from './api-types.js';
import type { ConsoleContext } from './console-context.js';
import { el, replaceChildren, uniqueId } from './dom-builder.js';
import { createField } from './form-field.js';
import { errorMessage } from './status-messages.js';
import { WRITES } from './write-actions.js';

const count = (n: number) => n.toLocaleString('en');
const plural = (n: number, one: string, many: string) => `${count(n)} ${n === 1 ? one : many}`;

/** How a pool is named in the picker and in messages: its flow's name and its step id. */
function poolName(pool: CodePool): string {
  return `${pool.flowName} · ${pool.stepId}`;
}

function poolKey(pool: Pick<CodePool, 'flowId' | 'stepId'>): string {
  return JSON.stringify([pool.flowId, pool.stepId]);
}

/** The pools as a table: flow, step, codes, used, left. */
function poolsTable(pools: readonly CodePool[]): HTMLTableElement {
  const head = el('thead', {}, [el('tr', {}, ['Flow', 'Step', 'Codes', 'Used', 'Left'].map((name) => el('th', { attrs: { scope: 'col' }, text: name })))]);
  const body = el('tbody', {}, pools.map((pool) => el('tr', { attrs: { 'data-pool': poolKey(pool) } }, [
    el('th', { attrs: { scope: 'row' } }, [el('span', { className: 'flow-name', text: pool.flowName }), el('span', { className: 'muted mono', text: pool.flowId })]),
    el('td', { className: 'mono', text: pool.stepId }),
    el('td', { className: 'number', text: count(pool.total) }),
    el('td', { className: 'number', text: count(pool.assigned) }),
    el('td', { className: 'number', text: count(pool.available) }),
  ])));
  return el('table', { className: 'rows compact' }, [el('caption', { className: 'sr-only', text: 'Code pools' }), head, body]);
}

/** The bad lines a refused file named (`details.lines`: line number and reason, never content). */
function badLines(error: unknown): HTMLElement | null {
  const lines = error instanceof ApiError && Array.isArray(error.details?.lines) ? (error.details.lines as Array<{ line?: unknown; reason?: unknown }>) : [];
  const items = lines.filter((l) => typeof l.line === 'number' && typeof l.reason === 'string').map((l) => el('li', { text: `Line ${l.line}: ${l.reason}` }));
  return items.length > 0 ? el('ul', { className: 'bad-lines', attrs: { 'aria-label': 'Lines to fix' } }, items) : null;
}

/**
 * The Codes section: every codes step's pool with its counts (codes, used, left), and a form
 * that uploads a CSV file of codes into a chosen pool, streamed with a progress bar; the counts
 * are read again after each upload, and a refused file lists the lines to fix.
 */
export async function showCodesView(panel: HTMLElement, ctx: ConsoleContext): Promise<void> {
  const error = el('div', { className: 'error', attrs: { role: 'alert' } });
  const region = el('div', { className: 'table-scroll', attrs: { role: 'region', 'aria-label': 'Code pools', tabindex: 0 } }, [el('p', { className: 'muted', text: 'Loading code pools…' })]);
  const form = el('form', { className: 'card upload-form', attrs: { 'aria-label': 'Upload codes', novalidate: true, hidden: true, ...WRITES } });
  replaceChildren(panel, [
    el('div', { className: 'view-head' }, [el('div', {}, [el('h2', { text: 'Codes' }), el('p', { className: 'muted', text: 'The codes each codes step hands out or checks, and how many are left.' })])]),
    region,
    form,
    error,
  ]);

  let pools: readonly CodePool[] = [];
  const pool = createField({ label: 'Code pool', control: el('select', { className: 'input' }) });
  const file = createField({
    label: 'CSV file',
    hint: 'UTF-8, one code per line in the first column (other columns are ignored); codes already in the pool are skipped. Any size: the file is streamed. It may come GPG-encrypted to the workspace’s key (Settings → Incoming files).',
    control: el('input', { className: 'input', attrs: { type: 'file', accept: '.csv,.txt,text/csv,text/plain' } }),
  });
  const header = createField({ label: 'The first line is a column header', control: el('input', { attrs: { type: 'checkbox' } }) });
  const submit = el('button', { className: 'button primary', attrs: { type: 'submit' }, text: 'Upload codes' });
  const progressId = uniqueId('progress');
  const progress = el('progress', { attrs: { id: progressId, max: 100, value: 0 } });
  const progressText = el('span', { className: 'muted', attrs: { 'aria-live': 'polite' } });
  const progressRow = el('div', { className: 'progress-row', attrs: { hidden: true } }, [el('label', { className: 'sr-only', attrs: { for: progressId }, text: 'Upload progress' }), progress, progressText]);
  replaceChildren(form, [el('h3', { text: 'Upload codes' }), pool.element, file.element, header.element, el('div', { className: 'toolbar' }, [submit]), progressRow]);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void upload();
  });

  await refresh();

  async function refresh(): Promise<void> {
    try {
      pools = await ctx.api.codePools();
    } catch (failure) {
      replaceChildren(region, []);
      replaceChildren(error, [errorMessage(failure)]);
      return;
    }
    if (pools.length === 0) {
      replaceChildren(region, [el('p', { className: 'empty', text: 'No codes step yet. Add a Codes step to a flow in Flows, then upload its codes here.' })]);
      form.hidden = true;
      return;
    }
    replaceChildren(region, [poolsTable(pools)]);
    const select = pool.control as HTMLSelectElement;
    const chosen = select.value;
    replaceChildren(select, pools.map((p) => el('option', { attrs: { value: poolKey(p), selected: poolKey(p) === chosen }, text: poolName(p) })));
    form.hidden = false;
  }

  async function upload(): Promise<void> {
    replaceChildren(error, []);
    file.clearError();
    const target = pools.find((p) => poolKey(p) === pool.control.value);
    const chosen = (file.control as HTMLInputElement).files?.[0];
    if (!target) return;
    if (!chosen) {
      file.showError('Choose a CSV file of codes.');
      file.control.focus();
      return;
    }
    submit.disabled = true;
    progressRow.hidden = false;
    progress.value = 0;
    progressText.textContent = `Uploading ${chosen.name}…`;
    try {
      const result = await ctx.api.uploadCodes(target.flowId, target.stepId, chosen, {
        header: (header.control as HTMLInputElement).checked,
        onProgress(fraction) {
          progress.value = Math.round(fraction * 100);
          progressText.textContent = fraction < 1 ? `Uploading ${chosen.name}: ${Math.floor(fraction * 100)} %` : 'Adding the codes…';
        },
      });
      progress.value = 100;
      progressText.textContent = 'Upload complete.';
      (file.control as HTMLInputElement).value = '';
      ctx.announce(`${plural(result.added, 'code', 'codes')} added to ${poolName(target)}, ${plural(result.duplicates, 'duplicate', 'duplicates')} skipped.`);
    } catch (failure) {
      progressText.textContent = 'Upload refused.';
      replaceChildren(error, [el('p', { text: errorMessage(failure) }), badLines(failure)]);
    } finally {
      submit.disabled = false;
    }
    await refresh();
  }
}
