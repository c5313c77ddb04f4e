import type { ExportDefinition } from '../definition/export-definition.js';
import type { LoadedExport } from '../export-service.js';
import { nextOccurrence, previousDay } from '../triggers/trigger.js';
import { COMMIT_SETTLE_MS } from './run-plan.js';
import { ValidationError } from '../../core/errors.js';
import { lastSuccessCutoff, queueRun, type ExportRun, type RunSelection } from '../../storage/export-run-repository.js';
import type { StoreContext } from '../../storage/store-context.js';

/** A window a caller asks a manual run to export: participants first seen in `[from, to)` (`from` absent: from the start). */
export interface RequestedWindow {
  readonly from?: Date | null;
  readonly to: Date;
}

/**
 * What a manual run exports, stated in its response and kept with the run. A caller's window is
 * taken as asked (participants first seen in it). Otherwise a daily export exports the window
 * its trigger would use next: `previous_day` the day before the next occurrence (so, after
 * today's run time, today so far), `new_since_last_run` everyone first seen since the last
 * successful run until a minute ago (rows stamped since may still be committing: see
 * `COMMIT_SETTLE_MS`), `all` every participant. Any other export has no window (null): every entry.
 *
 * @example
 * // daily 06:00 previous_day, now 2026-11-29 12:00 Paris → { from: 2026-11-29 00:00, to: 2026-11-30 00:00 } (Paris)
 */
export function manualSelection(definition: ExportDefinition, now: Date, timeZone: string, lastCutoff: Date | null, requested?: RequestedWindow): RunSelection | null {
  if (requested) {
    if (requested.from && requested.from >= requested.to) throw new ValidationError('The window must end after it starts', '/window/to');
    return { from: requested.from ?? null, to: requested.to };
  }
  const trigger = definition.trigger;
  if (trigger?.type !== 'daily') return null;
  if (trigger.mode === 'all') return 'all';
  if (trigger.mode === 'previous_day') return previousDay(nextOccurrence(trigger, now, timeZone)!, timeZone);
  return { from: lastCutoff, to: new Date(now.getTime() - COMMIT_SETTLE_MS) };
}

/**
 * Queues a manual run of a loaded export with the window `manualSelection` gives as of now (the
 * API and `parley export run` alike). It sends no job: the caller sends one or runs it in process.
 */
export async function queueManualRun(storage: StoreContext, loaded: LoadedExport, requested?: RequestedWindow): Promise<ExportRun> {
  const { row, workspace, definition } = loaded;
  const selection = manualSelection(definition, storage.clock.now(), workspace.timeZone, await lastSuccessCutoff(storage, row.id), requested);
  const run = await queueRun(storage, { exportId: row.id, workspaceId: row.workspaceId, trigger: 'manual', definitionVersion: row.version, ...(selection && { selection }) });
  // Only a run for an occurrence can already exist; a manual run has none.
  return run!;
}
