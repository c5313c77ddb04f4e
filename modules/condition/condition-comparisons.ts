/** How a condition step compares a session variable with a value. */
export const COMPARISONS = [
  { const: 'equals', title: 'is' },
  { const: 'not_equals', title: 'is not' },
  { const: 'contains', title: 'contains' },
  { const: 'not_contains', title: 'does not contain' },
  { const: 'starts_with', title: 'starts with' },
  { const: 'ends_with', title: 'ends with' },
  { const: 'greater_than', title: 'is greater than (a number, or a later date)' },
  { const: 'less_than', title: 'is less than (a number, or an earlier date)' },
  { const: 'is_set', title: 'is set' },
  { const: 'is_not_set', title: 'is not set' },
] as const;

export type Comparison = (typeof COMPARISONS)[number]['const'];

/** What a test may read of the visitor instead of a variable, as the chat's handshake showed it. */
export const FACTS = [
  { const: 'country', title: 'Country (a two-letter code such as FR, from the CDN or the browser’s language)' },
  { const: 'language', title: 'Browser language (such as fr-FR)' },
  { const: 'device', title: 'Device (mobile or desktop)' },
  { const: 'platform', title: 'Platform (Android, iOS, Windows, macOS, Linux)' },
  { const: 'browser', title: 'Browser (Chrome, Firefox, Safari, Edge, Opera)' },
  { const: 'page', title: 'Page address (without its query)' },
] as const;

export type Fact = (typeof FACTS)[number]['const'];

/** One test of a rule: a `variable`, or a `fact` of the visitor, compared with `value` (none for `is_set` and `is_not_set`). */
export interface ConditionTest {
  readonly variable?: string;
  readonly fact?: Fact;
  readonly comparison: Comparison;
  readonly value?: string;
}

/** Comparisons that take no value. */
export const VALUELESS: ReadonlySet<Comparison> = new Set(['is_set', 'is_not_set']);

/** Comparisons of order, between numbers or between dates written YYYY-MM-DD. */
export const ORDERED: ReadonlySet<Comparison> = new Set(['greater_than', 'less_than']);

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;

/** A value an order comparison can use: a number, or a date written YYYY-MM-DD (compared as text, which orders such dates). */
export function orderedValue(text: string): number | string | undefined {
  const trimmed = text.trim();
  if (NUMBER.test(trimmed)) return Number(trimmed);
  return DATE.test(trimmed) ? trimmed : undefined;
}

/** What a variable holds, as text; undefined when it is not set or empty. */
function held(value: string | number | boolean | undefined): string | undefined {
  if (value === undefined) return undefined;
  const text = String(value).trim();
  return text === '' ? undefined : text;
}

/** Text compared without regard to case (a UTM source written `Facebook` or `facebook`). */
const fold = (text: string) => text.trim().toLowerCase();

/**
 * Whether a variable's value passes a test. Text comparisons ignore case and surrounding spaces;
 * `equals` compares numbers as numbers (`7` is `7.0`). An unset variable passes only `is_not_set`,
 * `not_equals` and `not_contains`. Order comparisons pass only when both sides are numbers, or both
 * dates.
 */
export function passes(test: ConditionTest, value: string | number | boolean | undefined): boolean {
  const text = held(value);
  const wanted = test.value ?? '';
  switch (test.comparison) {
    case 'is_set':
      return text !== undefined;
    case 'is_not_set':
      return text === undefined;
    case 'equals':
      return text !== undefined && same(text, wanted);
    case 'not_equals':
      return text === undefined || !same(text, wanted);
    case 'contains':
      return text !== undefined && fold(text).includes(fold(wanted));
    case 'not_contains':
      return text === undefined || !fold(text).includes(fold(wanted));
    case 'starts_with':
      return text !== undefined && fold(text).startsWith(fold(wanted));
    case 'ends_with':
      return text !== undefined && fold(text).endsWith(fold(wanted));
    case 'greater_than':
    case 'less_than': {
      const left = text === undefined ? undefined : orderedValue(text);
      const right = orderedValue(wanted);
      if (left === undefined || right === undefined || typeof left !== typeof right) return false;
      return test.comparison === 'greater_than' ? left > right : left < right;
    }
  }
}

function same(text: string, wanted: string): boolean {
  const left = NUMBER.test(text) ? Number(text) : undefined;
  const right = NUMBER.test(wanted.trim()) ? Number(wanted.trim()) : undefined;
  if (left !== undefined && right !== undefined) return left === right;
  return fold(text) === fold(wanted);
}
