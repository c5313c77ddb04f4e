import type { CivilDateTime } from './civil-date.js';
import { createDateReader } from './date-reader.js';
import { defineFilter, type CompiledFilter, type FilterContext } from './filter.js';

/** '00' to '99', so formatting a date allocates only the result. */
const TWO_DIGITS: readonly string[] = Array.from({ length: 100 }, (_, n) => String(n).padStart(2, '0'));

function fourDigits(year: number): string {
  return year >= 1000 ? String(year) : String(year).padStart(4, '0');
}

/** Compiles a date filter: values that are not dates, or outside years 0000–9999, give ''. */
function dateFormat(format: (civil: CivilDateTime) => string): (ctx: FilterContext) => CompiledFilter {
  return (ctx) => {
    const reader = createDateReader(ctx.timeZone);
    return (value) => {
      const civil = reader.civil(value);
      if (civil === undefined || civil.year < 0 || civil.year > 9999) return '';
      return format(civil);
    };
  };
}

const DATE_TYPES = ['date', 'datetime', 'text'] as const;

/** `DDMMYYYY`: 18 June 1991 gives `18061991`. Instants are read in ctx.timeZone. */
export const dateDdmmyyyyFilter = defineFilter({
  id: 'date_ddmmyyyy',
  title: 'Date DDMMYYYY',
  description: 'Date as DDMMYYYY (18061991), in the export time zone.',
  accepts: DATE_TYPES,
  compile: dateFormat((c) => TWO_DIGITS[c.day] + TWO_DIGITS[c.month] + fourDigits(c.year)),
});

/** `YYYY-MM-DD HH:MI:SS` (24-hour clock); a plain date gives midnight. Instants are read in ctx.timeZone. */
export const datetimeYyyyMmDdHhMiSsFilter = defineFilter({
  id: 'datetime_yyyy_mm_dd_hh_mi_ss',
  title: 'Date and time YYYY-MM-DD HH:MI:SS',
  description: 'Date and time as YYYY-MM-DD HH:MI:SS (1991-06-18 14:05:09), in the export time zone.',
  accepts: DATE_TYPES,
  compile: dateFormat(
    (c) =>
      `${fourDigits(c.year)}-${TWO_DIGITS[c.month]}-${TWO_DIGITS[c.day]} ` +
      `${TWO_DIGITS[c.hour]}:${TWO_DIGITS[c.minute]}:${TWO_DIGITS[c.second]}`,
  ),
});

/** `YYYY-MM-DD`: 18 June 1991 gives `1991-06-18`. Instants are read in ctx.timeZone. */
export const dateYyyyMmDdFilter = defineFilter({
  id: 'date_yyyy_mm_dd',
  title: 'Date YYYY-MM-DD',
  description: 'Date as YYYY-MM-DD (1991-06-18), in the export time zone.',
  accepts: DATE_TYPES,
  compile: dateFormat((c) => `${fourDigits(c.year)}-${TWO_DIGITS[c.month]}-${TWO_DIGITS[c.day]}`),
});

/** `YYYYMMDD`: 18 June 1991 gives `19910618`. Instants are read in ctx.timeZone. */
export const dateYyyymmddFilter = defineFilter({
  id: 'date_yyyymmdd',
  title: 'Date YYYYMMDD',
  description: 'Date as YYYYMMDD (19910618), in the export time zone.',
  accepts: DATE_TYPES,
  compile: dateFormat((c) => fourDigits(c.year) + TWO_DIGITS[c.month] + TWO_DIGITS[c.day]),
});
