import type { DateTime } from 'luxon';

/** The date tokens a `{date:FORMAT}` placeholder understands, longest first. */
export const DATE_TOKENS = ['YYYY', 'YY', 'MM', 'DD', 'HH', 'mm', 'ss'] as const;
export type DateToken = (typeof DATE_TOKENS)[number];

/** Characters allowed between tokens in a date format. */
const LITERALS = new Set(['-', '_', '.']);

/** One piece of a parsed date format: a token, or literal text. */
export type DatePart = { readonly token: DateToken } | { readonly text: string };

/**
 * Splits a date format such as `YYYY-MM-DD_HHmm` into tokens and literals (`-`, `_`, `.`);
 * returns undefined when it holds anything else or no token at all.
 */
export function parseDateFormat(format: string): readonly DatePart[] | undefined {
  const parts: DatePart[] = [];
  let i = 0;
  while (i < format.length) {
    const token = DATE_TOKENS.find((t) => format.startsWith(t, i));
    if (token) {
      parts.push({ token });
      i += token.length;
    } else if (LITERALS.has(format[i])) {
      parts.push({ text: format[i] });
      i += 1;
    } else {
      return undefined;
    }
  }
  return parts.some((p) => 'token' in p) ? Object.freeze(parts) : undefined;
}

const pad = (value: number, width: number): string => String(value).padStart(width, '0');

/** The text of one token for a date-time already set in the wanted zone. */
function renderToken(token: DateToken, at: DateTime): string {
  switch (token) {
    case 'YYYY':
      return pad(at.year, 4);
    case 'YY':
      return pad(at.year % 100, 2);
    case 'MM':
      return pad(at.month, 2);
    case 'DD':
      return pad(at.day, 2);
    case 'HH':
      return pad(at.hour, 2);
    case 'mm':
      return pad(at.minute, 2);
    case 'ss':
      return pad(at.second, 2);
  }
}

/** Renders a parsed date format for a date-time already set in the wanted zone. */
export function renderDateFormat(parts: readonly DatePart[], at: DateTime): string {
  return parts.map((p) => ('token' in p ? renderToken(p.token, at) : p.text)).join('');
}
