const SURROGATE = /[\uD800-\uDFFF]/;

/** Number of Unicode code points in a string (not UTF-16 units). */
export function codePointLength(value: string): number {
  if (!SURROGATE.test(value)) return value.length;
  let count = 0;
  for (const _ of value) count += 1;
  return count;
}

/** How one fixed-width cell is fitted: width in code points, pad character and side. */
export interface FitOptions {
  readonly width: number;
  readonly padChar: ' ' | '0';
  readonly padSide: 'left' | 'right';
}

/**
 * Pads or truncates a value to exactly `width` code points (a surrogate pair is never split).
 *
 * @example fitToWidth('42', { width: 5, padChar: '0', padSide: 'left' }) // '00042'
 */
export function fitToWidth(value: string, { width, padChar, padSide }: FitOptions): string {
  const length = codePointLength(value);
  if (length > width) {
    return length === value.length ? value.slice(0, width) : Array.from(value).slice(0, width).join('');
  }
  const padding = padChar.repeat(width - length);
  return padSide === 'left' ? padding + value : value + padding;
}
