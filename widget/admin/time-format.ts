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
