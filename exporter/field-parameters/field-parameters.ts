import { codePointLength, truncateCodePoints } from './code-points.js';

/** How one selected field becomes a column: its name, a default, and size limits with padding. */
export interface FieldParameters {
  /** Column name written in headers (CSV, TXT) or as element/key name (XML, JSON). */
  readonly column: string;
  /** Written when the (filtered) value is empty or only whitespace. */
  readonly defaultValue?: string;
  /** Longest value kept, in code points; longer values are cut. */
  readonly maxSize?: number;
  /** Shortest value written, in code points; shorter values are padded. */
  readonly minSize?: number;
  /** Padding character; a space unless told otherwise. */
  readonly padChar?: ' ' | '0';
  /** Where padding goes; on the left for '0' (00042), on the right for a space, unless told otherwise. */
  readonly padSide?: 'left' | 'right';
}

/** Turns a filtered cell string into the string written. */
export type CompiledFieldParameters = (value: string) => string;

/**
 * Applies field parameters to a filtered value, in this order: an empty or blank value becomes
 * `defaultValue` (when set); the result is cut to `maxSize` code points; then padded up to
 * `minSize` code points with `padChar` on `padSide`.
 *
 * @example
 * applyFieldParameters('42', { column: 'id', minSize: 5, padChar: '0' }) // '00042'
 * applyFieldParameters('', { column: 'city', defaultValue: 'N/A' })     // 'N/A'
 */
export function applyFieldParameters(value: string, params: FieldParameters): string {
  let result = value;
  if (params.defaultValue !== undefined && isBlank(result)) result = params.defaultValue;
  if (params.maxSize !== undefined) result = truncateCodePoints(result, params.maxSize);
  // Each code point takes at most two UTF-16 units: twice minSize units is always long enough.
  if (params.minSize !== undefined && result.length < 2 * params.minSize) {
    const missing = params.minSize - codePointLength(result);
    if (missing > 0) {
      const padChar = params.padChar ?? ' ';
      const padding = padChar.repeat(missing);
      result = padSide(params) === 'left' ? padding + result : result + padding;
    }
  }
  return result;
}

/**
 * Applies the same parameters to many values: checks which steps apply once, so a field with
 * no parameters costs one call.
 */
export function compileFieldParameters(params: FieldParameters): CompiledFieldParameters {
  const frozen: FieldParameters = Object.freeze({ ...params });
  if (frozen.defaultValue === undefined && frozen.maxSize === undefined && frozen.minSize === undefined) {
    return (value) => value;
  }
  return (value) => applyFieldParameters(value, frozen);
}

function padSide(params: FieldParameters): 'left' | 'right' {
  return params.padSide ?? (params.padChar === '0' ? 'left' : 'right');
}

function isBlank(value: string): boolean {
  return value === '' || value.trim() === '';
}
