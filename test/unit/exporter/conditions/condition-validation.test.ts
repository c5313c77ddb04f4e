import { describe, expect, it } from 'vitest';
import type { FieldType } from '../../../../core/field-type.js';
import { CONDITION_LIMIT, validateConditions } from '../../../../exporter/conditions/index.js';
import { ValidationError } from '../../../../core/errors.js';

const FIELD_TYPES: Record<string, FieldType> = {
  city: 'text',
  score: 'number',
  winner: 'boolean',
  birth_date: 'date',
  created_at: 'datetime',
};

function errorOf(conditions: unknown): ValidationError | undefined {
  try {
    validateConditions(conditions, FIELD_TYPES, '/conditions');
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  return undefined;
}

describe('validateConditions', () => {
  it('accepts well-formed conditions on every type', () => {
    expect(
      errorOf([
        { field: 'city', operator: 'contains', value: 'par' },
        { field: 'city', operator: 'in_list', value: ['Paris', 'Lyon'] },
        { field: 'score', operator: 'greater_than', value: 10 },
        { field: 'score', operator: 'less_than', value: '10.5' },
        { field: 'winner', operator: 'equals', value: 'oui' },
        { field: 'winner', operator: 'not_empty' },
        { field: 'birth_date', operator: 'before', value: '2000-01-01' },
        { field: 'created_at', operator: 'after', value: '2024-06-18T10:00:00+02:00' },
        { field: 'created_at', operator: 'greater_than', value: '2024-06-18' },
      ]),
    ).toBeUndefined();
    expect(errorOf([])).toBeUndefined();
  });

  it.each([
    ['a list that is not one', { field: 'city' }, '/conditions'],
    ['a condition that is not an object', ['city'], '/conditions/0'],
    ['a field not selected', [{ field: 'email', operator: 'empty' }], '/conditions/0/field'],
    ['an inherited property name as field', [{ field: 'constructor', operator: 'empty' }], '/conditions/0/field'],
    ['a missing field', [{ operator: 'empty' }], '/conditions/0/field'],
    ['an unknown operator', [{ field: 'city', operator: 'empty' }, { field: 'city', operator: 'empty' }, { field: 'city', operator: 'like', value: 'x' }], '/conditions/2/operator'],
    ['a missing operator', [{ field: 'city' }], '/conditions/0/operator'],
    ['before on a text field', [{ field: 'city', operator: 'before', value: '2024-01-01' }], '/conditions/0/operator'],
    ['after on a number field', [{ field: 'score', operator: 'after', value: 3 }], '/conditions/0/operator'],
    ['greater_than on a text field', [{ field: 'city', operator: 'greater_than', value: 'a' }], '/conditions/0/operator'],
    ['greater_than on a boolean field', [{ field: 'winner', operator: 'greater_than', value: '0' }], '/conditions/0/operator'],
    ['contains on a number field', [{ field: 'score', operator: 'contains', value: '1' }], '/conditions/0/operator'],
    ['a missing value', [{ field: 'city', operator: 'equals' }], '/conditions/0/value'],
    ['an extra value', [{ field: 'city', operator: 'empty', value: 'x' }], '/conditions/0/value'],
    ['an empty value', [{ field: 'city', operator: 'equals', value: ' ' }], '/conditions/0/value'],
    ['a list for equals', [{ field: 'city', operator: 'equals', value: ['a'] }], '/conditions/0/value'],
    ['a single value for in_list', [{ field: 'city', operator: 'in_list', value: 'a' }], '/conditions/0/value'],
    ['an empty list', [{ field: 'city', operator: 'in_list', value: [] }], '/conditions/0/value'],
    ['a number inside a list', [{ field: 'score', operator: 'in_list', value: ['1', 2] }], '/conditions/0/value/1'],
    ['a text inside a number list', [{ field: 'score', operator: 'in_list', value: ['1', 'two'] }], '/conditions/0/value/1'],
    ['a number that is not one', [{ field: 'score', operator: 'equals', value: 'ten' }], '/conditions/0/value'],
    ['an infinite number', [{ field: 'score', operator: 'equals', value: Number.POSITIVE_INFINITY }], '/conditions/0/value'],
    ['a boolean that is not one', [{ field: 'winner', operator: 'equals', value: 'maybe' }], '/conditions/0/value'],
    ['an impossible date', [{ field: 'birth_date', operator: 'before', value: '2023-02-29' }], '/conditions/0/value'],
    ['a date as a number', [{ field: 'created_at', operator: 'after', value: 1_700_000_000_000 }], '/conditions/0/value'],
    ['an object as value', [{ field: 'city', operator: 'equals', value: { a: 1 } }], '/conditions/0/value'],
    ['an unknown property', [{ field: 'city', operator: 'empty', negate: true }], '/conditions/0/negate'],
    ['an unknown property with a slash', [{ field: 'city', operator: 'empty', 'a/b': 1 }], '/conditions/0/a~1b'],
  ])('refuses %s at its path', (_label, conditions, path) => {
    const error = errorOf(conditions);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error?.path).toBe(path);
  });

  it('says a field is not selected, without naming it', () => {
    const error = errorOf([{ field: 'secret_field', operator: 'empty' }]);
    expect(error?.message).toMatch(/not selected/);
    expect(error?.message).not.toContain('secret_field');
  });

  it('never echoes a bad value', () => {
    const error = errorOf([{ field: 'score', operator: 'equals', value: 'jean.dupont@example.com' }]);
    expect(error?.message).not.toContain('jean');
  });

  it('refuses too many conditions', () => {
    const many = Array.from({ length: CONDITION_LIMIT + 1 }, () => ({ field: 'city', operator: 'empty' }));
    expect(errorOf(many)?.path).toBe('/conditions');
    expect(errorOf(many.slice(1))).toBeUndefined();
  });
});
