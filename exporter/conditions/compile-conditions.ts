import { ValidationError } from '../../core/errors.js';
import type { FieldType } from '../../core/field-type.js';
import { isBlankValue, rawValueToText } from '../filters/filter.js';
import { isKnownTimeZone } from '../filters/zone-offset-cache.js';
import { createComparableReader, type Comparable, type ComparableReader } from './comparable-value.js';
import type { Condition, ConditionOperator, RowPredicate } from './condition.js';
import { validateConditions } from './condition-validation.js';

/** What conditions depend on besides the rows. */
export interface ConditionContext {
  /** IANA zone in which plain dates and times without offset are read. */
  readonly timeZone: string;
}

/**
 * Builds the row filter of an export: true when the row passes every condition (an empty list
 * lets every row through). The conditions are validated first (path `/conditions/…`).
 *
 * Comparisons follow the field's type: numbers numerically (`'10' > '9'`), dates as calendar
 * days and date-times as instants in ctx.timeZone, booleans by meaning (`'oui'` equals
 * `'true'`), text exactly, except `contains`, which ignores case. A row value that cannot be
 * read as the field's type (empty, 'abc' for a number) matches no comparison, so `not_equals`
 * is true for it; `empty` is true for null, undefined and blank strings.
 *
 * @example
 * const keep = compileConditions(
 *   [{ field: 'is_optin', operator: 'in_list', value: ['1', '2'] }, { field: 'winner', operator: 'equals', value: 'true' }],
 *   { is_optin: 'text', winner: 'boolean' },
 *   { timeZone: 'Europe/Paris' },
 * );
 * keep({ is_optin: '1', winner: true }); // true
 */
export function compileConditions(
  conditions: readonly Condition[],
  fieldTypes: Readonly<Record<string, FieldType>>,
  ctx: ConditionContext,
): RowPredicate {
  validateConditions(conditions, fieldTypes, '/conditions');
  if (!isKnownTimeZone(ctx.timeZone)) throw new ValidationError('Unknown time zone', '/timeZone');
  const predicates = conditions.map((condition) => compileCondition(condition, fieldTypes[condition.field] as FieldType, ctx));
  if (predicates.length === 0) return () => true;
  if (predicates.length === 1) return predicates[0] as RowPredicate;
  return (row) => {
    for (const predicate of predicates) if (!predicate(row)) return false;
    return true;
  };
}

/** What an operator's predicate is built from: the field, the condition's value, and a typed reader. */
interface PredicateInput {
  readonly field: string;
  readonly value: Condition['value'];
  readonly read: ComparableReader;
}

/** For a comparison operator: reads the row value and compares it with the condition's, typed. */
function comparing(compare: (actual: Comparable, expected: Comparable) => boolean) {
  return ({ field, value, read }: PredicateInput): RowPredicate => {
    const expected = read(value as string | number) as Comparable;
    return (row) => {
      const actual = read(row[field]);
      return actual !== undefined && compare(actual, expected);
    };
  };
}

/** How each operator becomes a row predicate. */
const PREDICATE_BUILDERS: Readonly<Record<ConditionOperator, (input: PredicateInput) => RowPredicate>> = {
  equals: comparing((actual, expected) => actual === expected),
  not_equals: (input) => {
    const equals = PREDICATE_BUILDERS.equals(input);
    return (row) => !equals(row);
  },
  contains: ({ field, value }) => {
    const needle = String(value).toLowerCase();
    return (row) => rawValueToText(row[field]).toLowerCase().includes(needle);
  },
  empty: ({ field }) => (row) => isBlankValue(row[field]),
  not_empty: ({ field }) => (row) => !isBlankValue(row[field]),
  greater_than: comparing((actual, expected) => actual > expected),
  less_than: comparing((actual, expected) => actual < expected),
  before: comparing((actual, expected) => actual < expected),
  after: comparing((actual, expected) => actual > expected),
  in_list: ({ field, value, read }) => {
    const accepted = new Set((value as readonly string[]).map((item) => read(item)));
    return (row) => {
      const actual = read(row[field]);
      return actual !== undefined && accepted.has(actual);
    };
  },
};

function compileCondition(condition: Condition, type: FieldType, ctx: ConditionContext): RowPredicate {
  const read = createComparableReader(type, ctx.timeZone);
  return PREDICATE_BUILDERS[condition.operator]({ field: condition.field, value: condition.value, read });
}
