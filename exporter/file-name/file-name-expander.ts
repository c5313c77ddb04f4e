import { DateTime, IANAZone } from 'luxon';
import { ConfigError, ValidationError } from '../../core/errors.js';
import { renderDateFormat } from './date-format.js';
import { parseFileNamePattern, type PatternPart } from './file-name-pattern.js';
import { sanitizeFileNameValue, unsafeFileNameReason } from './file-name-rules.js';

/** What the placeholders of a file-name pattern are replaced with. */
export interface FileNameValues {
  readonly exportName: string;
  readonly flowName: string;
  readonly now: Date;
  /** IANA zone the date and time are written in, e.g. `Europe/Paris`. */
  readonly timeZone: string;
  /** Run number, a whole number ≥ 0. */
  readonly run: number;
  /** Extension without the leading dot, e.g. `csv` or `csv.gpg`. */
  readonly extension: string;
}

const EXTENSION = /^[A-Za-z0-9]+(\.[A-Za-z0-9]+)*$/;

/** Checks the values that come from the program rather than from the export's author. */
function checkValues(values: FileNameValues): DateTime {
  if (!IANAZone.isValidZone(values.timeZone)) {
    throw new ConfigError('Time zone must be an IANA zone name such as Europe/Paris', '/timeZone');
  }
  if (!Number.isSafeInteger(values.run) || values.run < 0) {
    throw new ValidationError('Run number must be a whole number ≥ 0', '/run');
  }
  if (!EXTENSION.test(values.extension)) {
    throw new ValidationError('Extension must be letters and digits, optionally dotted (csv, csv.gpg)', '/extension');
  }
  const at = DateTime.fromJSDate(values.now, { zone: values.timeZone });
  if (!at.isValid) throw new ValidationError('Date must be a valid date', '/now');
  return at;
}

/** The text one pattern part stands for, sanitized when it comes from a value. */
function renderPart(part: PatternPart, values: FileNameValues, at: DateTime): string {
  switch (part.kind) {
    case 'text':
      return part.text;
    case 'export':
      return sanitizeFileNameValue(values.exportName);
    case 'flow':
      return sanitizeFileNameValue(values.flowName);
    case 'date':
      return renderDateFormat(part.format, at);
    case 'run':
      return String(values.run);
    case 'ext':
      return values.extension;
  }
}

/**
 * Expands a file-name pattern for one run: placeholders replaced (names sanitized, date and
 * time in `timeZone`), then `.<extension>` appended unless the pattern has `{ext}` or already
 * ends with it. The result is checked again (not empty, ≤ 200 characters, no separator, no
 * `..`); a failing result throws ValidationError at `jsonPath`.
 *
 * @example expandFileName('{export}_{date:YYYYMMDD}', { exportName: 'Leads', flowName: 'Promo',
 *   now: new Date('2024-07-01T22:30:00Z'), timeZone: 'Europe/Paris', run: 7, extension: 'csv' })
 *   // 'Leads_20240702.csv'
 */
export function expandFileName(pattern: string, values: FileNameValues, jsonPath = '/fileNamePattern'): string {
  const parts = parseFileNamePattern(pattern, jsonPath);
  const at = checkValues(values);
  let name = parts.map((part) => renderPart(part, values, at)).join('');
  const suffix = `.${values.extension}`;
  const hasExt = parts.some((p) => p.kind === 'ext');
  if (!hasExt && !name.toLowerCase().endsWith(suffix.toLowerCase())) name += suffix;
  const reason = unsafeFileNameReason(name);
  if (reason) throw new ValidationError(`The file name this pattern gives ${reason}`, jsonPath);
  return name;
}
