import type { AdminApi } from '../api-client.js';
import { el, replaceChildren } from '../dom-builder.js';
import type { ExportRun } from '../export-api-types.js';
import { openDownloadDialog } from '../download-dialog.js';
import { errorMessage } from '../status-messages.js';
import { formatInstant } from '../time-format.js';
import { describeWindow, formatBytes, statusText } from './export-labels.js';

/** How often the history is read again while a run is queued or running. */
const POLL_MS = 1000;
const HISTORY_LIMIT = 20;

/** What the run history needs: the export, whether it delivers locally, and the zone. */
export interface RunHistoryOptions {
  readonly api: AdminApi;
  readonly exportId: string;
  readonly timeZone: string;
  /** Local deliveries can be downloaded through a one-time link. */
  readonly local: () => boolean;
}

/** The run history of one export. */
export interface RunHistory {
  readonly element: HTMLElement;
  /** Reads the history again, and keeps reading it while a run is queued or running. */
  refresh(): Promise<void>;
}

function cell(text: string, className?: string): HTMLTableCellElement {
  return el('td', { className, text });
}

/** The download dialog of a run's delivered file: terms first, then a one-time link to it in an encrypted ZIP. */
function offerDownload(options: RunHistoryOptions, run: ExportRun): void {
  openDownloadDialog({
    title: `Download run ${run.run}`,
    description: `The file run ${run.run} delivered (${run.fileName ?? 'its file'}, ${run.bytes === null ? 'size unknown' : formatBytes(run.bytes)}), as delivered, in a ZIP encrypted with AES-256. It may hold personal data.`,
    timeZone: options.timeZone,
    issue: async () => {
      const link = await options.api.createRunDownload(options.exportId, run.id);
      return { link, zipName: `${link.fileName}.zip` };
    },
  });
}

/**
 * The run history, newest first: run number, status (with rows so far while running), trigger,
 * window, rows, bytes, SHA-256, file, error, attempts and times; a succeeded local run has a
 * button for a one-time link to its file in an encrypted ZIP. While a run is queued or running the history is read
 * again every second, so progress shows live; it stops once every run has finished or the
 * history leaves the page.
 */
export function createRunHistory(options: RunHistoryOptions): RunHistory {
  const { timeZone } = options;
  const region = el('div', { className: 'table-scroll', attrs: { role: 'region', 'aria-label': 'Run history', tabindex: 0 } });
  const error = el('p', { className: 'error', attrs: { role: 'alert' } });
  const element = el('section', { className: 'run-history', attrs: { 'aria-label': 'Runs' } }, [el('h3', { text: 'Run history' }), error, region]);
  let timer: ReturnType<typeof setTimeout> | undefined;

  function row(run: ExportRun): HTMLTableRowElement {
    const live = run.status === 'running' ? `Running: ${run.progressRows} rows so far` : statusText(run.status);
    const download = run.status === 'succeeded' && options.local()
      ? el('button', { className: 'button', attrs: { type: 'button', 'aria-label': `Download the file of run ${run.run}` }, text: 'Download', on: { click: () => offerDownload(options, run) } })
      : null;
    return el('tr', { attrs: { 'data-run': run.run } }, [
      el('th', { attrs: { scope: 'row' }, text: String(run.run) }),
      el('td', {}, [el('span', { className: `badge run-${run.status}`, text: live })]),
      cell(run.trigger),
      cell(describeWindow(run.window, timeZone)),
      cell(run.rows === null ? '—' : String(run.rows)),
      cell(run.bytes === null ? '—' : formatBytes(run.bytes)),
      cell(run.sha256 ?? '—', 'mono hash'),
      cell(run.fileName ?? '—', 'mono'),
      cell(run.error ?? '—', run.error ? 'error-text' : undefined),
      cell(String(run.attempts)),
      cell(formatInstant(run.queuedAt, timeZone), 'nowrap'),
      cell(run.finishedAt ? formatInstant(run.finishedAt, timeZone) : '—', 'nowrap'),
      el('td', {}, [download]),
    ]);
  }

  function render(runs: readonly ExportRun[]): void {
    if (runs.length === 0) return replaceChildren(region, [el('p', { className: 'empty', text: 'No runs yet.' })]);
    const head = ['Run', 'Status', 'Trigger', 'Window', 'Rows', 'Bytes', 'SHA-256', 'File', 'Error', 'Attempts', 'Queued', 'Finished', 'Actions'];
    replaceChildren(region, [
      el('table', { className: 'rows runs' }, [
        el('caption', { className: 'sr-only', text: 'Run history, newest first' }),
        el('thead', {}, [el('tr', {}, head.map((name) => el('th', { attrs: { scope: 'col' }, text: name })))]),
        el('tbody', {}, runs.map(row)),
      ]),
    ]);
  }

  async function refresh(): Promise<void> {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    try {
      const runs = await options.api.exportRuns(options.exportId, HISTORY_LIMIT);
      error.textContent = '';
      render(runs);
      const active = runs.some((run) => run.status === 'queued' || run.status === 'running');
      if (active && element.isConnected) timer = setTimeout(() => void refresh(), POLL_MS);
    } catch (failure) {
      error.textContent = errorMessage(failure);
    }
  }

  return { element, refresh };
}
