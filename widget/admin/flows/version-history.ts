import type { FlowDetail, FlowVersionSummary } from '../api-types.js';
import { confirmAction } from '../confirm-dialog.js';
import type { ConsoleContext } from '../console-context.js';
import { el, replaceChildren } from '../dom-builder.js';
import { errorMessage } from '../status-messages.js';
import { formatInstant } from '../time-format.js';
import { WRITES } from '../write-actions.js';

/** The builder's version history. */
export interface VersionHistory {
  readonly element: HTMLElement;
  /** Reads the history again (after a save). */
  refresh(): Promise<void>;
}

/**
 * Every saved version of the flow, newest first (version, name, when, how many steps), each
 * older one with a Restore button behind a confirmation: restoring saves that version's name and
 * steps again as a new version. `onRestored` gets the flow as saved.
 */
export function createVersionHistory(ctx: ConsoleContext, options: { readonly flowId: () => string | undefined; readonly onRestored: (flow: FlowDetail, from: number) => void }): VersionHistory {
  const alert = el('p', { className: 'error', attrs: { role: 'alert' } });
  const list = el('ol', { className: 'versions', attrs: { 'aria-label': 'Versions' } });
  const empty = el('p', { className: 'muted', text: 'Each save keeps a version. Save the flow to start its history.' });

  function item(version: FlowVersionSummary, latest: boolean): HTMLLIElement {
    const when = formatInstant(version.createdAt, ctx.workspace().timeZone);
    const text = `Version ${version.version}${latest ? ' (current)' : ''}: ${version.name}, ${version.stepCount} step${version.stepCount === 1 ? '' : 's'}, saved ${when}`;
    const restore = latest
      ? null
      : el('button', { className: 'button', attrs: { type: 'button', ...WRITES }, text: `Restore version ${version.version}`, on: { click: () => void restoreVersion(version) } });
    return el('li', { className: 'version' }, [el('span', { text }), restore]);
  }

  async function refresh(): Promise<void> {
    alert.textContent = '';
    const id = options.flowId();
    empty.hidden = id !== undefined;
    if (!id) return replaceChildren(list, []);
    try {
      const versions = await ctx.api.flowVersions(id);
      replaceChildren(list, versions.map((version, i) => item(version, i === 0)));
    } catch (failure) {
      alert.textContent = errorMessage(failure);
    }
  }

  async function restoreVersion(version: FlowVersionSummary): Promise<void> {
    const id = options.flowId();
    if (!id) return;
    const ok = await confirmAction({
      title: `Restore version ${version.version}?`,
      message: `Its name and ${version.stepCount} step${version.stepCount === 1 ? '' : 's'} are saved again as a new version; the current steps stay in the history. Sessions already under way finish on the version they started on.`,
      confirmLabel: 'Restore version',
    });
    if (!ok) return;
    try {
      options.onRestored(await ctx.api.restoreFlowVersion(id, version.version), version.version);
    } catch (failure) {
      alert.textContent = errorMessage(failure);
    }
  }

  const element = el('section', { className: 'card version-history', attrs: { 'aria-label': 'Version history' } }, [el('h3', { text: 'Version history' }), empty, alert, list]);
  void refresh();
  return { element, refresh };
}
