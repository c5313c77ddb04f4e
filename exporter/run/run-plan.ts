import type { ExportDefinition } from '../definition/export-definition.js';
import { previousDay } from '../triggers/trigger.js';
import type { ExportRun, RunSelection } from '../../storage/export-run-repository.js';

/**
 * How long after its clock reading a chat turn may still be committing its rows: a turn stamps
 * `created_at` before its transaction commits (a group commit, a lock wait), so a run that reads
 * as of `t` may not see a row stamped just before `t` that commits just after it. A window that
 * the next run continues from (`new_since_last_run`) therefore ends this long before the run
 * starts, and a run of a calendar window (`previous_day`) waits until its end is this far behind
 * it: otherwise such a row would fall between two runs and never be exported.
 */
export const COMMIT_SETTLE_MS = 60_000;

/** What a run selects, the cutoff it records (the next `new_since_last_run` window starts there), and how long to wait before reading. */
export interface RunPlan {
  readonly selection: RunSelection | null;
  readonly cutoffAt: Date;
  readonly waitMs: number;
}

/**
 * The participants a run of a daily export selects, as of `asOf` (the occurrence's instant,
 * or now for a manual run):
 * - `previous_day`: participants whose first entry fell on the previous calendar day; a
 *   participant who returns later is never selected again;
 * - `new_since_last_run`: participants first seen since the last successful run's cutoff, up
 *   to `settled` (see `COMMIT_SETTLE_MS`);
 * - `all`: every participant, each with their latest data.
 */
function participantWindow(definition: ExportDefinition, asOf: Date, settled: Date, timeZone: string, lastCutoff: Date | null): RunSelection | undefined {
  const trigger = definition.trigger;
  if (trigger?.type !== 'daily') return undefined;
  if (trigger.mode === 'all') return 'all';
  if (trigger.mode === 'previous_day') return previousDay(asOf, timeZone);
  return { from: lastCutoff, to: settled };
}

/**
 * Plans a run started at `now`: the selection chosen when it was queued (a manual run; its
 * cutoff is the window's end, or earlier), else the trigger's own. No cutoff is later than
 * `COMMIT_SETTLE_MS` before `now`, and a window that ends later than that is waited for.
 */
export function planRun(run: Pick<ExportRun, 'selection'>, definition: ExportDefinition, asOf: Date, now: Date, timeZone: string, lastCutoff: Date | null): RunPlan {
  const settledAt = (readAt: number) => Math.min(asOf.getTime(), readAt - COMMIT_SETTLE_MS);
  const selection = run.selection ?? participantWindow(definition, asOf, new Date(settledAt(now.getTime())), timeZone, lastCutoff) ?? null;
  const windowEnd = selection === null || selection === 'all' ? null : selection.to.getTime();
  // Only a trigger's calendar window can end inside the settling time (a manual one is the caller's to choose): it is waited for.
  const waitMs = run.selection === null && windowEnd !== null ? Math.min(Math.max(0, windowEnd + COMMIT_SETTLE_MS - now.getTime()), COMMIT_SETTLE_MS) : 0;
  const cutoffAt = new Date(Math.min(windowEnd ?? asOf.getTime(), settledAt(now.getTime() + waitMs)));
  return { selection, cutoffAt, waitMs };
}
