import type { FieldType, RawValue } from '../../core/field-type.js';

export const CONDITION_OPERATORS = [
  'equals',
  'not_equals',
  'contains',
  'empty',
  'not_empty',
  'greater_than',
  'less_than',
  'before',
  'after',
  'in_list',
] as const;

export type ConditionOperator = (typeof CONDITION_OPERATORS)[number];

/** One test a row must pass to be exported; an export's conditions are all ANDed. */
export interface Condition {
  /** A field selected in the export. */
  readonly field: string;
  readonly operator: ConditionOperator;
  /** Absent for empty/not_empty, a string array for in_list, one string or number otherwise. */
  readonly value?: string | number | readonly string[];
}

/** A store row as the exporter reads it: field name → raw value. */
export type ExportRow = Readonly<Record<string, RawValue>>;

/** Decides whether a row is exported. */
export type RowPredicate = (row: ExportRow) => boolean;

/** What an operator needs: the shape of its value and the field types it applies to. */
export interface OperatorRule {
  /** Its plain name for people building a condition (e.g. `is one of`). */
  readonly title: string;
  readonly value: 'none' | 'single' | 'list';
  readonly types: readonly FieldType[];
  /** Its value is compared whole (equals, is one of): a field's known values are what it takes. */
  readonly wholeValue: boolean;
}

const ALL_TYPES: readonly FieldType[] = ['text', 'number', 'boolean', 'date', 'datetime'];
const ORDERED_TYPES: readonly FieldType[] = ['number', 'date', 'datetime'];
const DATE_TYPES: readonly FieldType[] = ['date', 'datetime'];

/** The rule of every operator. */
export const OPERATOR_RULES: Readonly<Record<ConditionOperator, OperatorRule>> = {
  equals: { title: 'equals', value: 'single', types: ALL_TYPES, wholeValue: true },
  not_equals: { title: 'does not equal', value: 'single', types: ALL_TYPES, wholeValue: true },
  contains: { title: 'contains', value: 'single', types: ['text'], wholeValue: false },
  empty: { title: 'is empty', value: 'none', types: ALL_TYPES, wholeValue: false },
  not_empty: { title: 'is not empty', value: 'none', types: ALL_TYPES, wholeValue: false },
  greater_than: { title: 'is greater than', value: 'single', types: ORDERED_TYPES, wholeValue: false },
  less_than: { title: 'is less than', value: 'single', types: ORDERED_TYPES, wholeValue: false },
  before: { title: 'is before', value: 'single', types: DATE_TYPES, wholeValue: false },
  after: { title: 'is after', value: 'single', types: DATE_TYPES, wholeValue: false },
  in_list: { title: 'is one of', value: 'list', types: ALL_TYPES, wholeValue: true },
};

export function isConditionOperator(operator: unknown): operator is ConditionOperator {
  return typeof operator === 'string' && Object.hasOwn(OPERATOR_RULES, operator);
}
