import type { FieldType, RawValue } from '../../core/field-type.js';
import { readBooleanWord } from '../filters/boolean-words.js';
import { civilDayNumber, createDateReader } from '../filters/date-reader.js';
import { rawValueToText } from '../filters/filter.js';

/**
 * A value reduced to what comparisons on its field type use: text as is, numbers as numbers,
 * booleans as booleans, dates as day numbers (calendar days since 1970-01-01 in the export
 * zone), date-times as epoch milliseconds.
 */
export type Comparable = string | number | boolean;

/** Reads raw values (row values and condition values alike) as comparables of one field type. */
export type ComparableReader = (value: RawValue) => Comparable | undefined;

/**
 * Builds the reader for `type`; undefined means the value cannot be read as that type (empty
 * values, 'abc' for a number, an impossible date…), which no comparison matches.
 */
export function createComparableReader(type: FieldType, timeZone: string): ComparableReader {
  switch (type) {
    case 'text':
      return rawValueToText;
    case 'number':
      return readNumber;
    case 'boolean':
      return readBoolean;
    case 'date': {
      const dates = createDateReader(timeZone);
      return (value) => {
        const civil = dates.civil(value);
        return civil === undefined ? undefined : civilDayNumber(civil);
      };
    }
    case 'datetime': {
      const dates = createDateReader(timeZone);
      return (value) => dates.instant(value);
    }
  }
}

function readNumber(value: RawValue): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const number = Number(value);
  return Number.isFinite(number) ? number : undefined;
}

function readBoolean(value: RawValue): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value === 1 ? true : value === 0 ? false : undefined;
  return typeof value === 'string' ? readBooleanWord(value) : undefined;
}
