import { DateTime } from 'luxon';
import { ValidationError } from '../../core/errors.js';

/** Days a statistics range covers when `from` is not given (today included). */
export const DEFAULT_STATS_DAYS = 30;
/** The longest range one request may ask for. */
export const MAX_STATS_DAYS = 366;

/** A range of whole days in a workspace's time zone, both ends included. */
export interface StatsRange {
  /** `YYYY-MM-DD`. */
  readonly from: string;
  readonly to: string;
  /** Every day of the range, in order. */
  readonly days: readonly string[];
}

/**
 * The days a statistics request covers: `to` defaults to today in `timeZone`, `from` to
 * `DEFAULT_STATS_DAYS` days ending at `to`; at most `MAX_STATS_DAYS` days. Dates are
 * `YYYY-MM-DD` (the query schema checks the format); a range the wrong way round or too long
 * is a ValidationError naming the query parameter.
 *
 * @example
 * statsRange({}, new Date('2026-03-29T22:30:00Z'), 'Europe/Paris') // from 2026-03-01 to 2026-03-30
 */
export function statsRange(query: { readonly from?: string; readonly to?: string }, now: Date, timeZone: string): StatsRange {
  const to = query.to ? DateTime.fromISO(query.to, { zone: 'UTC' }) : DateTime.fromISO(DateTime.fromJSDate(now, { zone: timeZone }).toISODate()!, { zone: 'UTC' });
  const from = query.from ? DateTime.fromISO(query.from, { zone: 'UTC' }) : to.minus({ days: DEFAULT_STATS_DAYS - 1 });
  if (from > to) throw new ValidationError('The first day must not be after the last day', '/query/from');
  const count = Math.round(to.diff(from, 'days').days) + 1;
  if (count > MAX_STATS_DAYS) throw new ValidationError(`A range covers at most ${MAX_STATS_DAYS} days`, '/query/to');
  const days = Array.from({ length: count }, (_, i) => from.plus({ days: i }).toISODate()!);
  return { from: days[0]!, to: days[days.length - 1]!, days };
}
