import { ValidationError } from '../../core/errors.js';
import { parseDateFormat, type DatePart } from './date-format.js';
import { unsafeFileNameReason } from './file-name-rules.js';

/** Placeholders a file-name pattern may use. */
export const PLACEHOLDERS = ['export', 'flow', 'date', 'time', 'run', 'ext'] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];

/** One piece of a parsed pattern: literal text, a simple placeholder, or a date with its format. */
export type PatternPart =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: Exclude<Placeholder, 'date' | 'time'> }
  | { readonly kind: 'date'; readonly format: readonly DatePart[] };

/** `{date}` without a format means `{date:YYYYMMDD}`; `{time}` means `HHmmss`. */
export const DEFAULT_DATE_FORMAT = 'YYYYMMDD';
export const TIME_FORMAT = 'HHmmss';

/** A parsed date format that is known to be valid. */
function knownFormat(format: string): readonly DatePart[] {
  return parseDateFormat(format) as readonly DatePart[];
}

/** The part a placeholder body (`name` or `name:argument`) stands for. */
function placeholderPart(body: string, jsonPath: string, position: number): PatternPart {
  const colon = body.indexOf(':');
  const name = colon === -1 ? body : body.slice(0, colon);
  const argument = colon === -1 ? undefined : body.slice(colon + 1);
  if (!(PLACEHOLDERS as readonly string[]).includes(name)) {
    throw new ValidationError(
      `Unknown placeholder; use ${PLACEHOLDERS.map((p) => `{${p}}`).join(', ')} or {date:FORMAT}`,
      jsonPath,
      { position },
    );
  }
  if (name === 'date') {
    const format = parseDateFormat(argument ?? DEFAULT_DATE_FORMAT);
    if (!format) {
      throw new ValidationError('Date format may only use YYYY, YY, MM, DD, HH, mm, ss and - _ .', jsonPath, {
        position,
      });
    }
    return { kind: 'date', format };
  }
  if (argument !== undefined) {
    throw new ValidationError(`Placeholder {${name}} takes no format`, jsonPath, { position });
  }
  if (name === 'time') return { kind: 'date', format: knownFormat(TIME_FORMAT) };
  return { kind: name as Exclude<Placeholder, 'date' | 'time'> };
}

/**
 * Parses a file-name pattern such as `{export}_{date:YYYYMMDD}_{run}.{ext}` into parts.
 * Throws ValidationError at `jsonPath` when the pattern is not a string, is empty or over 200
 * characters, holds a path separator, `..` or a control character, has an unknown placeholder
 * or unbalanced braces (`details.position` says where; the message never quotes the pattern).
 */
export function parseFileNamePattern(pattern: unknown, jsonPath: string): readonly PatternPart[] {
  if (typeof pattern !== 'string') throw new ValidationError('File name pattern must be a string', jsonPath);
  const reason = unsafeFileNameReason(pattern);
  if (reason) throw new ValidationError(`File name pattern ${reason}`, jsonPath);
  const parts: PatternPart[] = [];
  let text = '';
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i];
    if (c === '}') throw new ValidationError('Unbalanced braces in file name pattern', jsonPath, { position: i });
    if (c !== '{') {
      text += c;
      i += 1;
      continue;
    }
    const close = pattern.indexOf('}', i + 1);
    const nested = pattern.indexOf('{', i + 1);
    if (close === -1 || (nested !== -1 && nested < close)) {
      throw new ValidationError('Unbalanced braces in file name pattern', jsonPath, { position: i });
    }
    if (text) parts.push({ kind: 'text', text });
    text = '';
    parts.push(placeholderPart(pattern.slice(i + 1, close), jsonPath, i));
    i = close + 1;
  }
  if (text) parts.push({ kind: 'text', text });
  return Object.freeze(parts);
}

/**
 * Checks a file-name pattern (see parseFileNamePattern for the rules) and returns it.
 *
 * @example validateFileNamePattern('{export}_{date:YYYYMMDD}.{ext}', '/fileNamePattern')
 */
export function validateFileNamePattern(pattern: unknown, jsonPath: string): string {
  parseFileNamePattern(pattern, jsonPath);
  return pattern as string;
}
