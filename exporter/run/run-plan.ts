import type { ExportDefinition } from '../definition/export-definition.js';
import { previousDay } from '../triggers/trigger.js';
import type { FirstSeenWindow } from '../../storage/export-source.js';

/**
 * Which participants a run of a daily export selects, as of `asOf` (the occurrence's instant,
 * or now for a manual run):
 * - `previous_day`: participants whose first entry fell on the previous calendar day; a
 *   participant who returns later is never selected again;
 * - `new_since_last_run`: participants first seen since the last successful run's cutoff;
 * - `all`: every participant, each with their latest data.
 */
export function participantWindow(definition: ExportDefinition, asOf: Date, timeZone: string, lastCutoff: Date | null): FirstSeenWindow | 'all' | undefined {
  const trigger = definition.trigger;
  if (trigger?.type !== 'daily') return undefined;
  if (trigger.mode === 'all') return 'all';
  if (trigger.mode === 'previous_day') return previousDay(asOf, timeZone);
  return { from: lastCutoff, to: asOf };
}
