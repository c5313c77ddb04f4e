import { IANAZone } from 'luxon';

/** Minutes east of UTC that a zone applies at an instant (epoch milliseconds). */
export type OffsetLookup = (epochMs: number) => number;

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const CACHE_LIMIT = 50_000;

/** True when `timeZone` names a zone the runtime's time zone database knows. */
export function isKnownTimeZone(timeZone: string): boolean {
  return IANAZone.isValidZone(timeZone);
}

/**
 * Builds a fast offset lookup for one IANA zone. Asking the zone database (Intl) costs several
 * microseconds per call, far too slow for a million rows, so offsets are cached per UTC day,
 * and per UTC hour for days holding a transition; only hours holding a transition (zones with
 * half-hour offsets) ask the database each time. A day or hour counts as transition-free when
 * its first and last millisecond have the same offset: this assumes no zone changes its offset
 * twice, and back, within one day, which no zone does.
 */
export function createOffsetLookup(timeZone: string): OffsetLookup {
  const zone = IANAZone.create(timeZone);
  const exact = (ms: number): number => zone.offset(ms);
  const days = new Map<number, number>();
  const hours = new Map<number, number>();

  function bucketOffset(ms: number, size: number, cache: Map<number, number>): number {
    const key = Math.floor(ms / size);
    let offset = cache.get(key);
    if (offset === undefined) {
      if (cache.size >= CACHE_LIMIT) cache.clear();
      const first = exact(key * size);
      offset = first === exact(key * size + size - 1) ? first : Number.NaN;
      cache.set(key, offset);
    }
    return offset;
  }

  return (ms) => {
    const byDay = bucketOffset(ms, DAY_MS, days);
    if (!Number.isNaN(byDay)) return byDay;
    const byHour = bucketOffset(ms, HOUR_MS, hours);
    return Number.isNaN(byHour) ? exact(ms) : byHour;
  };
}
