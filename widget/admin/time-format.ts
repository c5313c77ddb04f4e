/** Whether the browser knows an IANA time zone name. */
export function isKnownTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/**
 * An instant as `YYYY-MM-DD HH:mm` in a time zone (UTC when the zone is unknown). Built from
 * `formatToParts`, so it reads the same in every browser and in Node.
 *
 * @example
 * formatInstant('2025-03-01T09:30:00.000Z', 'Europe/Paris') // '2025-03-01 10:30'
 */
export function formatInstant(iso: string, timeZone: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const format = new Intl.DateTimeFormat('en-GB', {
    timeZone: isKnownTimeZone(timeZone) ? timeZone : 'UTC',
    year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
  });
  const part = Object.fromEntries(format.formatToParts(date).map((p) => [p.type, p.value]));
  return `${part.year}-${part.month}-${part.day} ${part.hour}:${part.minute}`;
}

/** A flow's open window in words, e.g. `2025-03-01 10:00 → 2025-03-31 23:59` or `Always open`. */
export function formatWindow(opensAt: string | null, closesAt: string | null, timeZone: string): string {
  if (!opensAt && !closesAt) return 'Always open';
  if (!closesAt) return `From ${formatInstant(opensAt!, timeZone)}`;
  if (!opensAt) return `Until ${formatInstant(closesAt, timeZone)}`;
  return `${formatInstant(opensAt, timeZone)} → ${formatInstant(closesAt, timeZone)}`;
}

/** Offset of `timeZone` from UTC at `instant`, in milliseconds (positive east of Greenwich). */
function zoneOffset(instant: number, timeZone: string): number {
  const format = new Intl.DateTimeFormat('en-GB', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
  const part = Object.fromEntries(format.formatToParts(new Date(instant)).map((p) => [p.type, Number(p.value)]));
  const asUtc = Date.UTC(part.year!, part.month! - 1, part.day!, part.hour!, part.minute!, part.second!);
  return asUtc - Math.floor(instant / 1000) * 1000;
}

/**
 * The value of an `<input type="datetime-local">` (`YYYY-MM-DDTHH:mm`) read as a wall-clock time
 * in `timeZone`, as an ISO instant; undefined when it is not a date.
 *
 * @example
 * localInputToIso('2025-03-01T10:30', 'Europe/Paris') // '2025-03-01T09:30:00.000Z'
 */
export function localInputToIso(value: string, timeZone: string): string | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(value);
  if (!match) return undefined;
  const zone = isKnownTimeZone(timeZone) ? timeZone : 'UTC';
  const [, y, mo, d, h, mi] = match.map(Number);
  const wall = Date.UTC(y!, mo! - 1, d!, h!, mi!);
  // Two passes settle the offset on either side of a daylight-saving change.
  let instant = wall - zoneOffset(wall, zone);
  instant = wall - zoneOffset(instant, zone);
  return new Date(instant).toISOString();
}

/** An ISO instant as a `datetime-local` value in `timeZone` (empty for no instant). */
export function isoToLocalInput(iso: string | null | undefined, timeZone: string): string {
  if (!iso) return '';
  const formatted = formatInstant(iso, timeZone);
  return /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/.test(formatted) ? formatted.replace(' ', 'T') : '';
}

/**
 * The instant a calendar day (`YYYY-MM-DD`, an `<input type="date">` value) starts in `timeZone`,
 * or of the day after it with `after` (an exclusive end); undefined when it is not a date.
 *
 * @example
 * dayStartIso('2025-03-01', 'Europe/Paris') // '2025-02-28T23:00:00.000Z'
 * dayStartIso('2025-03-01', 'Europe/Paris', { after: true }) // '2025-03-01T23:00:00.000Z'
 */
export function dayStartIso(day: string, timeZone: string, options: { readonly after?: boolean } = {}): string | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!match) return undefined;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]) + (options.after ? 1 : 0)));
  return localInputToIso(`${date.toISOString().slice(0, 10)}T00:00`, timeZone);
}
