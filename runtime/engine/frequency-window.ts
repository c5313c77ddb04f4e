import { DateTime } from 'luxon';
import type { Frequency } from '../../core/module-contract.js';

/**
 * The start of the current participation window: calendar day or ISO week (Monday) in the
 * workspace's time zone; null for "once" (ever) — `undefined` for unlimited (no check).
 */
export function windowStart(frequency: Frequency, now: Date, timeZone: string): Date | null | undefined {
  switch (frequency) {
    case 'once':
      return null;
    case 'daily':
      return DateTime.fromJSDate(now, { zone: timeZone }).startOf('day').toJSDate();
    case 'weekly':
      return DateTime.fromJSDate(now, { zone: timeZone }).startOf('week').toJSDate();
    case 'unlimited':
      return undefined;
  }
}
