import type { RawValue } from '../../core/field-type.js';
import { DAY_MS, civilFromMillis, civilToMillis, daysInMonth, daysFromCivil, type CivilDateTime } from './civil-date.js';
import { createOffsetLookup, type OffsetLookup } from './zone-offset-cache.js';

/** Reads date-like raw values in one time zone; build it once per export run. */
export interface DateReader {
  /** The wall-clock date and time of a value in the zone, or undefined when it is not a date. */
  civil(value: RawValue): CivilDateTime | undefined;
  /** The epoch milliseconds of a value, or undefined when it is not a date. */
  instant(value: RawValue): number | undefined;
}

/**
 * ISO 8601 dates and date-times, extended (`1991-06-18T10:20:30+02:00`) or basic
 * (`19910618T102030Z`); a space may stand for `T`, as in SQL (`1991-06-18 10:20:30`).
 */
const ISO_DATE_TIME =
  /^(\d{4})(-?)(\d{2})\2(\d{2})(?:[Tt ](\d{2}):?(\d{2})(?::?(\d{2})(?:[.,](\d{1,9}))?)?\s*([Zz]|[+-]\d{2}(?::?\d{2})?)?)?$/;

/**
 * Builds a reader for `timeZone` (a known IANA zone: check it first).
 *
 * Accepted values: a `Date` (an instant); an ISO 8601 string with an offset or `Z` (an
 * instant); an ISO 8601 date-time without offset (a wall-clock time in `timeZone`); a plain
 * date such as `1991-06-18` (a calendar date, midnight in `timeZone`, never shifted). Anything
 * else (numbers, booleans, other text, impossible dates such as 31 April) is not a date.
 *
 * @example
 * createDateReader('Europe/Paris').civil('2024-01-01T23:30:00Z') // 2024-01-02 00:30:00
 */
export function createDateReader(timeZone: string): DateReader {
  const offsetAt = createOffsetLookup(timeZone);
  return {
    civil(value) {
      const parsed = parseDateValue(value);
      if (typeof parsed !== 'number') return parsed;
      return civilFromMillis(parsed + offsetAt(parsed) * 60_000);
    },
    instant(value) {
      const parsed = parseDateValue(value);
      if (parsed === undefined || typeof parsed === 'number') return parsed;
      return wallClockToInstant(civilToMillis(parsed), offsetAt);
    },
  };
}

/** An instant (epoch ms), a wall-clock time without zone, or undefined. */
function parseDateValue(value: RawValue): number | CivilDateTime | undefined {
  if (value instanceof Date) {
    const ms = value.getTime();
    return Number.isNaN(ms) ? undefined : ms;
  }
  return typeof value === 'string' ? parseIsoText(value.trim()) : undefined;
}

function parseIsoText(text: string): number | CivilDateTime | undefined {
  const match = ISO_DATE_TIME.exec(text);
  if (match === null) return undefined;
  const year = Number(match[1]);
  const month = Number(match[3]);
  const day = Number(match[4]);
  const hour = match[5] === undefined ? 0 : Number(match[5]);
  const minute = match[6] === undefined ? 0 : Number(match[6]);
  const second = match[7] === undefined ? 0 : Number(match[7]);
  const millisecond = match[8] === undefined ? 0 : Math.floor(Number(`0.${match[8]}`) * 1000);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const civil: CivilDateTime = { year, month, day, hour, minute, second, millisecond };
  const offset = match[9];
  if (offset === undefined) return civil;
  const offsetMinutes = parseOffsetMinutes(offset);
  return offsetMinutes === undefined ? undefined : civilToMillis(civil) - offsetMinutes * 60_000;
}

/** `Z`, `+02`, `+0200` or `+02:00` as minutes east of UTC. */
function parseOffsetMinutes(offset: string): number | undefined {
  if (offset === 'Z' || offset === 'z') return 0;
  const hours = Number(offset.slice(1, 3));
  const minutes = offset.length > 3 ? Number(offset.slice(-2)) : 0;
  if (hours > 23 || minutes > 59) return undefined;
  const total = hours * 60 + minutes;
  return offset[0] === '-' ? -total : total;
}

/**
 * The instant a wall-clock time (given as ms read as UTC) names in a zone. A time repeated when
 * clocks go back names its earlier instant; a time skipped when clocks go forward is moved
 * forward by the gap (02:30 on a spring-forward night in Paris is 03:30 summer time).
 * Assumes at most one offset change within a day either side, which holds for every zone.
 */
function wallClockToInstant(localMs: number, offsetAt: OffsetLookup): number {
  const offsetBefore = offsetAt(localMs - DAY_MS);
  const earlier = localMs - offsetBefore * 60_000;
  if (offsetAt(earlier) === offsetBefore) return earlier;
  const offsetAfter = offsetAt(localMs + DAY_MS);
  const later = localMs - offsetAfter * 60_000;
  return offsetAt(later) === offsetAfter ? later : earlier;
}

/** Days since 1970-01-01 of a wall-clock date, for comparing calendar days. */
export function civilDayNumber(civil: CivilDateTime): number {
  return daysFromCivil(civil.year, civil.month, civil.day);
}
