import { ValidationError } from '../../core/errors.js';
import type { FieldType } from '../../core/field-type.js';
import { createComparableReader } from './comparable-value.js';
import { OPERATOR_RULES, isConditionOperator, type Condition } from './condition.js';

/** Most conditions one export may have, and most entries one in_list may hold. */
export const CONDITION_LIMIT = 100;
export const LIST_LIMIT = 10_000;

const CONDITION_KEYS: ReadonlySet<string> = new Set(['field', 'operator', 'value']);

/** Time zone used only to check that date values are readable; the zone does not change that. */
const ANY_ZONE = 'UTC';

/**
 * Checks the conditions of an export definition against the types of its selected fields and
 * throws ValidationError at the JSON path of the first bad part: `${jsonPath}/2/operator` for
 * an unknown operator or one that does not fit the field's type, `${jsonPath}/0/field` for a
 * field that is not selected, `${jsonPath}/1/value` for a missing, extra or unreadable value.
 *
 * @example
 * validateConditions([{ field: 'is_optin', operator: 'in_list', value: ['1', '2'] }], { is_optin: 'text' }, '/conditions');
 */
export function validateConditions(
  conditions: unknown,
  fieldTypes: Readonly<Record<string, FieldType>>,
  jsonPath: string,
): asserts conditions is readonly Condition[] {
  if (!Array.isArray(conditions)) throw new ValidationError('Conditions must be a list', jsonPath);
  if (conditions.length > CONDITION_LIMIT) {
    throw new ValidationError(`At most ${CONDITION_LIMIT} conditions are allowed`, jsonPath);
  }
  conditions.forEach((condition, index) => validateCondition(condition, fieldTypes, `${jsonPath}/${index}`));
}

function validateCondition(condition: unknown, fieldTypes: Readonly<Record<string, FieldType>>, path: string): void {
  if (typeof condition !== 'object' || condition === null || Array.isArray(condition)) {
    throw new ValidationError('A condition must be an object', path);
  }
  for (const key of Object.keys(condition)) {
    if (!CONDITION_KEYS.has(key)) throw new ValidationError('Unknown condition property', `${path}/${escapePointer(key)}`);
  }
  const { field, operator, value } = condition as Record<string, unknown>;
  if (typeof field !== 'string' || field === '') throw new ValidationError('Field must be a field name', `${path}/field`);
  if (!Object.hasOwn(fieldTypes, field)) throw new ValidationError('Field not selected in this export', `${path}/field`);
  const type = fieldTypes[field] as FieldType;
  if (!isConditionOperator(operator)) throw new ValidationError('Unknown operator', `${path}/operator`);
  const rule = OPERATOR_RULES[operator];
  if (!rule.types.includes(type)) {
    throw new ValidationError(`Operator ${operator} does not apply to ${type} fields`, `${path}/operator`);
  }
  const valuePath = `${path}/value`;
  if (rule.value === 'none') {
    if (value !== undefined) throw new ValidationError(`Operator ${operator} takes no value`, valuePath);
    return;
  }
  if (value === undefined) throw new ValidationError(`Operator ${operator} needs a value`, valuePath);
  if (rule.value === 'list') {
    if (!Array.isArray(value) || value.length === 0 || value.length > LIST_LIMIT) {
      throw new ValidationError(`Operator in_list needs a list of 1 to ${LIST_LIMIT} strings`, valuePath);
    }
    value.forEach((item, index) => {
      if (typeof item !== 'string') throw new ValidationError('List entries must be strings', `${valuePath}/${index}`);
      validateScalar(item, type, `${valuePath}/${index}`);
    });
    return;
  }
  if (typeof value !== 'string' && typeof value !== 'number') {
    throw new ValidationError(`Operator ${operator} needs one string or number`, valuePath);
  }
  validateScalar(value, type, valuePath);
}

function validateScalar(value: string | number, type: FieldType, path: string): void {
  if (typeof value === 'string' && value.trim() === '') {
    throw new ValidationError('Value must not be empty: use the empty or not_empty operator', path);
  }
  if (typeof value === 'number' && !Number.isFinite(value)) throw new ValidationError('Value must be a finite number', path);
  if (type === 'date' || type === 'datetime') {
    if (typeof value !== 'string') throw new ValidationError('Date values must be ISO 8601 strings', path);
  }
  if (createComparableReader(type, ANY_ZONE)(value) === undefined) {
    throw new ValidationError(`Value is not a valid ${type}`, path);
  }
}

/** Escapes a key for a JSON Pointer (RFC 6901). */
function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}
