/**
 * Checks a standard five-field cron expression (minute hour day-of-month month day-of-week), the
 * syntax the job queue's scheduler accepts: `*`, values, ranges `a-b`, steps `x/n`, and lists
 * `a,b`; months and weekdays also by their three-letter English names.
 *
 * @example isCronExpression('*\/5 * * * *') // true
 */
export function isCronExpression(text: string): boolean {
  const fields = text.trim().split(/\s+/);
  return fields.length === FIELDS.length && fields.every((field, i) => field.split(',').every((item) => isItem(item, FIELDS[i]!)));
}

interface FieldRange {
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const FIELDS: readonly FieldRange[] = [
  { min: 0, max: 59 },
  { min: 0, max: 23 },
  { min: 1, max: 31 },
  { min: 1, max: 12, names: MONTHS },
  { min: 0, max: 7, names: WEEKDAYS },
];

function isItem(item: string, range: FieldRange): boolean {
  const [base, step, ...extra] = item.split('/');
  if (extra.length > 0 || base === undefined) return false;
  if (step !== undefined && !(/^\d+$/.test(step) && Number(step) >= 1)) return false;
  if (base === '*') return true;
  const [from, to, ...more] = base.split('-');
  if (more.length > 0) return false;
  const start = valueOf(from, range);
  if (start === undefined) return false;
  if (to === undefined) return true;
  const end = valueOf(to, range);
  return end !== undefined && start <= end;
}

function valueOf(text: string | undefined, range: FieldRange): number | undefined {
  if (text === undefined) return undefined;
  const named = range.names?.indexOf(text.toLowerCase()) ?? -1;
  const value = named >= 0 ? named + range.min : /^\d{1,2}$/.test(text) ? Number(text) : NaN;
  return value >= range.min && value <= range.max ? value : undefined;
}
