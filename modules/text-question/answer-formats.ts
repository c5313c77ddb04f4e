import { createRequire } from 'node:module';
import type { CountryCode } from 'libphonenumber-js/max';
import { DateTime } from 'luxon';

type PhoneLibrary = typeof import('libphonenumber-js/max');
let phoneLibrary: PhoneLibrary | undefined;

/**
 * libphonenumber-js, loaded at the first phone number or phone country read: its metadata is
 * large, and a process that only exports (and builds the module registry for the field
 * catalogue) must not load it (see export-cli-packages.test.ts).
 */
const phones = (): PhoneLibrary => (phoneLibrary ??= createRequire(import.meta.url)('libphonenumber-js/max') as PhoneLibrary);

/** True for a country whose numbering plan libphonenumber-js knows (`FR`; not `UK`, which is `GB`). */
export const isPhoneCountry = (country: string): boolean => phones().isSupportedCountry(country);

/** What a text question takes: free text, a phone number, or a calendar date (a birth date, say). */
export const ANSWER_FORMATS = ['text', 'phone', 'date'] as const;
export type AnswerFormat = (typeof ANSWER_FORMATS)[number];

/** An answer read in its format: the value to keep, or why it cannot be. */
export type ReadAnswer = { readonly ok: true; readonly value: string } | { readonly ok: false; readonly message: string };

/**
 * A phone number as E.164 (`+33612345678`), read with the country's numbering plan when written
 * without its country code (`06 12 34 56 78` in France); only numbers libphonenumber-js finds
 * valid (a real range of that country) are taken.
 */
export function readPhone(text: string, country: string | undefined): ReadAnswer {
  const parsed = phones().parsePhoneNumberFromString(text, country ? { defaultCountry: country as CountryCode, extract: false } : { extract: false });
  if (parsed?.isValid()) return { ok: true, value: parsed.number };
  const message = !country && !text.trim().startsWith('+') ? 'Please write the number with its country code (+33 …)' : 'This phone number does not look right';
  return { ok: false, message };
}

/** The earliest date a date answer may be. */
const EARLIEST = '1900-01-01';

/**
 * A calendar date as `YYYY-MM-DD`: what a date field sends, or a date typed day first
 * (`18/06/1991`, `18.06.1991`, `18-06-1991`). A date after `today` (the workspace's date) or
 * before 1900 is refused.
 */
export function readDate(text: string, today: string): ReadAnswer {
  const value = text.trim();
  const dayFirst = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(value);
  const iso = dayFirst ? `${dayFirst[3]}-${dayFirst[2]!.padStart(2, '0')}-${dayFirst[1]!.padStart(2, '0')}` : value;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(iso) || !DateTime.fromISO(iso, { zone: 'utc' }).isValid) return { ok: false, message: 'Please give a date such as 18/06/1991' };
  if (iso > today || iso < EARLIEST) return { ok: false, message: 'This date does not look right' };
  return { ok: true, value: iso };
}

/** Today's date where the workspace is, as `YYYY-MM-DD`. */
export function dateIn(timeZone: string, now: Date): string {
  return DateTime.fromJSDate(now, { zone: timeZone }).toISODate()!;
}

/** Whole years from `born` to `today` (both `YYYY-MM-DD`): a birthday counts on its day (29 February on 1 March in other years). */
export function ageOn(born: string, today: string): number {
  const [by, bm, bd] = born.split('-').map(Number) as [number, number, number];
  const [ty, tm, td] = today.split('-').map(Number) as [number, number, number];
  const hadBirthday = tm > bm || (tm === bm && td >= bd);
  return ty - by - (hadBirthday ? 0 : 1);
}
