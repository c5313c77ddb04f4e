import { DateTime } from 'luxon';
import { ValidationError } from '../../core/errors.js';
import { compileSchema, validateOrThrow } from '../../core/schema-validator.js';

export const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;
export type Weekday = (typeof WEEKDAYS)[number];
export const DAILY_MODES = ['previous_day', 'new_since_last_run', 'all'] as const;
export type DailyMode = (typeof DAILY_MODES)[number];

/** When an export runs. Times are wall-clock times in the workspace's time zone. */
export type Trigger =
  | { readonly type: 'immediate' }
  | { readonly type: 'closure' }
  | { readonly type: 'weekly'; readonly day: Weekday; readonly time: string }
  | { readonly type: 'scheduled'; readonly at: string }
  | { readonly type: 'daily'; readonly time: string; readonly mode: DailyMode };

const TIME = '^([01][0-9]|2[0-3]):[0-5][0-9]$';

export const triggerSchema = {
  type: 'object',
  required: ['type'],
  oneOf: [
    { type: 'object', additionalProperties: false, required: ['type'], properties: { type: { const: 'immediate' } } },
    { type: 'object', additionalProperties: false, required: ['type'], properties: { type: { const: 'closure' } } },
    {
      type: 'object', additionalProperties: false, required: ['type', 'day', 'time'],
      properties: { type: { const: 'weekly' }, day: { enum: [...WEEKDAYS] }, time: { type: 'string', pattern: TIME } },
    },
    {
      type: 'object', additionalProperties: false, required: ['type', 'at'],
      properties: { type: { const: 'scheduled' }, at: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2})?$' } },
    },
    {
      type: 'object', additionalProperties: false, required: ['type', 'time', 'mode'],
      properties: { type: { const: 'daily' }, time: { type: 'string', pattern: TIME }, mode: { enum: [...DAILY_MODES] } },
    },
  ],
} as const;

/** One occurrence of a time trigger: a stable key (the local wall-clock slot) and its instant. */
export interface Occurrence {
  readonly key: string;
  readonly at: Date;
}

function atLocal(day: DateTime, time: string): DateTime {
  const [hour, minute] = time.split(':').map(Number) as [number, number];
  // A wall-clock time skipped by a DST jump resolves to the instant after the gap; a repeated
  // one to its first instant. Either way the day has exactly one occurrence.
  return day.set({ hour, minute, second: 0, millisecond: 0 });
}

/**
 * The latest occurrence of a time trigger at or before `now` and not before `notBefore`
 * (the export's creation), or undefined. Keys are local wall-clock slots such as
 * `daily:2026-10-25T02:30`, so each day (or week) has one occurrence across DST changes.
 */
export function dueOccurrence(trigger: Trigger, now: Date, timeZone: string, notBefore: Date): Occurrence | undefined {
  const local = DateTime.fromJSDate(now, { zone: timeZone });
  let candidate: DateTime | undefined;
  if (trigger.type === 'daily') {
    candidate = atLocal(local.startOf('day'), trigger.time);
    if (candidate > local) candidate = atLocal(local.startOf('day').minus({ days: 1 }), trigger.time);
  } else if (trigger.type === 'weekly') {
    const weekday = WEEKDAYS.indexOf(trigger.day) + 1;
    let day = local.startOf('day').set({ weekday: weekday as 1 });
    if (day > local.startOf('day')) day = day.minus({ weeks: 1 });
    candidate = atLocal(day, trigger.time);
    if (candidate > local) candidate = atLocal(day.minus({ weeks: 1 }), trigger.time);
  } else if (trigger.type === 'scheduled') {
    candidate = DateTime.fromISO(trigger.at, { zone: timeZone });
    if (candidate > local) return undefined;
  } else {
    return undefined;
  }
  if (!candidate.isValid || candidate.toJSDate() < notBefore) return undefined;
  const slot = trigger.type === 'scheduled' ? trigger.at : `${candidate.toFormat("yyyy-LL-dd")}T${trigger.time}`;
  return { key: `${trigger.type}:${slot}`, at: candidate.toJSDate() };
}

/**
 * The next occurrence of a trigger strictly after `now`, in the workspace's zone: the next
 * daily time, the next weekly day and time, or a scheduled time still to come. Null for
 * triggers that follow events (immediate, at closure) and for a scheduled time that has passed.
 *
 * @example
 * nextOccurrence({ type: 'daily', time: '06:00', mode: 'all' }, new Date('2026-03-02T12:00:00Z'), 'Europe/Paris')
 * // 2026-03-03T05:00:00.000Z
 */
export function nextOccurrence(trigger: Trigger, now: Date, timeZone: string): Date | null {
  const local = DateTime.fromJSDate(now, { zone: timeZone });
  if (trigger.type === 'daily') {
    const today = atLocal(local.startOf('day'), trigger.time);
    return (today > local ? today : atLocal(local.startOf('day').plus({ days: 1 }), trigger.time)).toJSDate();
  }
  if (trigger.type === 'weekly') {
    const day = local.startOf('day').set({ weekday: (WEEKDAYS.indexOf(trigger.day) + 1) as 1 });
    const thisWeek = atLocal(day, trigger.time);
    return (thisWeek > local ? thisWeek : atLocal(day.plus({ weeks: 1 }), trigger.time)).toJSDate();
  }
  if (trigger.type === 'scheduled') {
    const at = DateTime.fromISO(trigger.at, { zone: timeZone });
    return at.isValid && at > local ? at.toJSDate() : null;
  }
  return null;
}

/** The previous local calendar day before an instant, as [start, end) instants. */
export function previousDay(at: Date, timeZone: string): { from: Date; to: Date } {
  const today = DateTime.fromJSDate(at, { zone: timeZone }).startOf('day');
  return { from: today.minus({ days: 1 }).toJSDate(), to: today.toJSDate() };
}

/** Refuses a scheduled time that does not exist in the zone's calendar. */
export function checkTrigger(trigger: Trigger, timeZone: string, path: string): void {
  if (trigger.type === 'scheduled' && !DateTime.fromISO(trigger.at, { zone: timeZone }).isValid) {
    throw new ValidationError('Not a valid date and time', `${path}/at`);
  }
}

const validateTriggerSchema = compileSchema<Trigger>(triggerSchema);

/**
 * Reads a trigger as an export definition holds it: its schema, then a scheduled time that
 * exists in the zone's calendar. Throws ValidationError at the JSON path of the first problem.
 *
 * @example validateTrigger({ type: 'daily', time: '06:00', mode: 'all' }, 'Europe/Paris', '/trigger')
 */
export function validateTrigger(input: unknown, timeZone: string, path: string): Trigger {
  const trigger = validateOrThrow(validateTriggerSchema, input, path);
  checkTrigger(trigger, timeZone, path);
  return trigger;
}
