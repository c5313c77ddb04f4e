import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../../core/errors.js';
import { FIELD_SIZE_LIMIT, validateFieldParameters } from '../../../../exporter/field-parameters/index.js';

function pathOfError(params: unknown, jsonPath = '/fields/3'): string | undefined {
  try {
    validateFieldParameters(params, jsonPath);
  } catch (error) {
    if (error instanceof ValidationError) return error.path;
    throw error;
  }
  return undefined;
}

describe('validateFieldParameters', () => {
  it('accepts complete and minimal parameters', () => {
    expect(pathOfError({ column: 'zip' })).toBeUndefined();
    expect(
      pathOfError({ column: 'zip', defaultValue: '', maxSize: 5, minSize: 5, padChar: '0', padSide: 'left' }),
    ).toBeUndefined();
    expect(pathOfError({ column: 'x', minSize: 0, maxSize: FIELD_SIZE_LIMIT })).toBeUndefined();
  });

  it.each([
    ['not an object', 'zip', '/fields/3'],
    ['null', null, '/fields/3'],
    ['an array', [], '/fields/3'],
    ['no column', {}, '/fields/3/column'],
    ['a blank column', { column: '  ' }, '/fields/3/column'],
    ['a numeric column', { column: 7 }, '/fields/3/column'],
    ['a column with a new line', { column: 'a\nb' }, '/fields/3/column'],
    ['a column too long', { column: 'c'.repeat(256) }, '/fields/3/column'],
    ['a numeric default', { column: 'c', defaultValue: 0 }, '/fields/3/defaultValue'],
    ['a negative maxSize', { column: 'c', maxSize: -1 }, '/fields/3/maxSize'],
    ['a zero maxSize', { column: 'c', maxSize: 0 }, '/fields/3/maxSize'],
    ['a fractional maxSize', { column: 'c', maxSize: 2.5 }, '/fields/3/maxSize'],
    ['a maxSize in a string', { column: 'c', maxSize: '5' }, '/fields/3/maxSize'],
    ['a huge maxSize', { column: 'c', maxSize: FIELD_SIZE_LIMIT + 1 }, '/fields/3/maxSize'],
    ['a negative minSize', { column: 'c', minSize: -2 }, '/fields/3/minSize'],
    ['an infinite minSize', { column: 'c', minSize: Number.POSITIVE_INFINITY }, '/fields/3/minSize'],
    ['minSize above maxSize', { column: 'c', minSize: 6, maxSize: 5 }, '/fields/3/minSize'],
    ['another pad character', { column: 'c', padChar: '_' }, '/fields/3/padChar'],
    ['two pad characters', { column: 'c', padChar: '00' }, '/fields/3/padChar'],
    ['another pad side', { column: 'c', padSide: 'center' }, '/fields/3/padSide'],
  ])('refuses %s at its path', (_label, params, path) => {
    expect(pathOfError(params)).toBe(path);
  });

  it('reports the first bad part only', () => {
    expect(pathOfError({ column: '', maxSize: -1, padChar: 'x' }, '/fields/0')).toBe('/fields/0/column');
  });

  it('never echoes the offending value in its message', () => {
    try {
      validateFieldParameters({ column: 'secret-column\u0007' }, '/fields/1');
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).not.toContain('secret');
    }
  });
});
