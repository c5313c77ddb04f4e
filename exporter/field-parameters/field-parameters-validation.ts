import { ValidationError } from '../../core/errors.js';
import type { FieldParameters } from './field-parameters.js';

/** Largest maxSize or minSize accepted, in code points: bounds the memory one cell can take. */
export const FIELD_SIZE_LIMIT = 100_000;

/** Longest column name accepted, in UTF-16 units. */
export const COLUMN_NAME_LIMIT = 255;

const CONTROL_CHARACTERS = /\p{Cc}/u;

/**
 * Checks field parameters read from a stored or submitted definition and throws
 * ValidationError at the JSON path of the first bad part (`${jsonPath}/minSize`, …). Keys
 * other than the FieldParameters ones are left to the enclosing definition's schema.
 *
 * @example
 * validateFieldParameters({ column: 'zip', minSize: 9, maxSize: 5 }, '/fields/3');
 * // throws ValidationError, path '/fields/3/minSize'
 */
export function validateFieldParameters(params: unknown, jsonPath: string): asserts params is FieldParameters {
  if (typeof params !== 'object' || params === null || Array.isArray(params)) {
    throw new ValidationError('Field parameters must be an object', jsonPath);
  }
  const { column, defaultValue, maxSize, minSize, padChar, padSide } = params as Record<string, unknown>;
  if (typeof column !== 'string' || column.trim() === '') {
    throw new ValidationError('Column name must be a non-empty string', `${jsonPath}/column`);
  }
  if (column.length > COLUMN_NAME_LIMIT || CONTROL_CHARACTERS.test(column)) {
    throw new ValidationError(
      `Column name must be at most ${COLUMN_NAME_LIMIT} characters, without control characters`,
      `${jsonPath}/column`,
    );
  }
  if (defaultValue !== undefined && (typeof defaultValue !== 'string' || defaultValue.length > FIELD_SIZE_LIMIT)) {
    throw new ValidationError(`Default value must be a string of at most ${FIELD_SIZE_LIMIT} characters`, `${jsonPath}/defaultValue`);
  }
  checkSize(maxSize, 1, `${jsonPath}/maxSize`);
  checkSize(minSize, 0, `${jsonPath}/minSize`);
  if (typeof maxSize === 'number' && typeof minSize === 'number' && minSize > maxSize) {
    throw new ValidationError('Minimum size must not exceed maximum size', `${jsonPath}/minSize`);
  }
  if (padChar !== undefined && padChar !== ' ' && padChar !== '0') {
    throw new ValidationError("Padding character must be ' ' or '0'", `${jsonPath}/padChar`);
  }
  if (padSide !== undefined && padSide !== 'left' && padSide !== 'right') {
    throw new ValidationError("Padding side must be 'left' or 'right'", `${jsonPath}/padSide`);
  }
}

function checkSize(size: unknown, min: number, path: string): void {
  if (size === undefined) return;
  if (typeof size !== 'number' || !Number.isInteger(size) || size < min || size > FIELD_SIZE_LIMIT) {
    throw new ValidationError(`Size must be a whole number from ${min} to ${FIELD_SIZE_LIMIT}`, path);
  }
}
