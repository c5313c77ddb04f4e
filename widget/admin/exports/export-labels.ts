import type { ExportLocale, ExportRun, ExportTrigger } from '../export-api-types.js';
import { formatInstant } from '../time-format.js';

/** The file formats, in the guide's order, with what each is for. */
export const FORMATS: ReadonlyArray<{ readonly type: string; readonly title: string }> = [
  { type: 'csv', title: 'CSV (table, best for many rows)' },
  { type: 'xml', title: 'XML (hierarchical)' },
  { type: 'json', title: 'JSON (structured)' },
  { type: 'txt', title: 'TXT (plain text)' },
];

/** The languages of the locale-aware filters; French is what an export without one uses. */
export const LOCALES: ReadonlyArray<{ readonly id: ExportLocale; readonly title: string }> = [
  { id: 'fr', title: 'French (Monsieur, Allemagne)' },
  { id: 'en', title: 'English (Mr, Germany)' },
];

export const WEEKDAY_NAMES: Readonly<Record<string, string>> = {
  monday: 'Monday', tuesday: 'Tuesday', wednesday: 'Wednesday', thursday: 'Thursday', friday: 'Friday', saturday: 'Saturday', sunday: 'Sunday',
};

/** The three contents of a daily export, with the sentence that explains each (as in the guide). */
export const DAILY_MODES: ReadonlyArray<{ readonly mode: 'previous_day' | 'new_since_last_run' | 'all'; readonly title: string; readonly sentence: string }> = [
  { mode: 'previous_day', title: 'Data from the previous day', sentence: 'Participants first seen the day before each run; one who comes back later is not exported again.' },
  { mode: 'new_since_last_run', title: 'Daily data only', sentence: 'Participants first seen since the last successful run; one who comes back later is not exported again.' },
  { mode: 'all', title: 'All data', sentence: 'Every participant at each run, with their latest data: one who comes back is exported again, updated.' },
];

/** A trigger in a few words, e.g. `Daily at 06:00 (All data)`. */
export function describeTrigger(trigger: ExportTrigger | undefined): string {
  switch (trigger?.type) {
    case undefined:
      return 'Only when run by hand';
    case 'immediate':
      return 'Immediately when saved';
    case 'closure':
      return 'At flow closure';
    case 'weekly':
      return `Weekly on ${WEEKDAY_NAMES[trigger.day] ?? trigger.day} at ${trigger.time}`;
    case 'scheduled':
      return `Once on ${trigger.at.replace('T', ' ').slice(0, 16)}`;
    case 'daily':
      return `Daily at ${trigger.time} (${DAILY_MODES.find((m) => m.mode === trigger.mode)?.title ?? trigger.mode})`;
  }
}

/** Whom a manual run exports, by the saved trigger (the run's response states the exact window). */
export function manualRunScope(trigger: ExportTrigger | undefined): string {
  if (trigger?.type !== 'daily') return 'everything the export selects, whatever its trigger';
  if (trigger.mode === 'all') return 'every participant, each with their latest data';
  if (trigger.mode === 'previous_day') return "the participants first seen on the day before the next daily run (after today's run time: today so far)";
  return 'the participants first seen since the last successful run';
}

/** The window a run exported, in words, in the workspace zone. */
export function describeWindow(window: ExportRun['window'], timeZone: string): string {
  if (!window) return 'everything the export selects';
  const to = formatInstant(window.to, timeZone);
  return window.from ? `participants first seen from ${formatInstant(window.from, timeZone)} to ${to}` : `participants first seen before ${to}`;
}

const STATUS_TEXT: Readonly<Record<ExportRun['status'], string>> = { queued: 'Queued', running: 'Running', succeeded: 'Succeeded', failed: 'Failed' };

export function statusText(status: ExportRun['status']): string {
  return STATUS_TEXT[status];
}

/** A byte count for people: `812 B`, `4.2 KB`, `1.3 MB`. */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  if (bytes < 1_000_000) return `${(bytes / 1000).toFixed(1)} KB`;
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}
