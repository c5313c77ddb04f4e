import type { FieldType, RawValue } from '../../core/field-type.js';

/** What a filter may depend on besides the value: fixed once per export run. */
export interface FilterContext {
  /** IANA time zone instants are rendered in, e.g. `Europe/Paris`. */
  readonly timeZone: string;
  /** Language of words a filter writes (civilities, country names). */
  readonly locale: 'fr' | 'en';
  /** The moment the export runs; ages are computed at this instant. */
  readonly now: Date;
}

/** A filter ready to run on the hot path: one raw value in, one cell string out. */
export type CompiledFilter = (value: RawValue) => string;

/** A named, pure transformation of a field's raw value, compiled once per export run. */
export interface FilterDefinition<Id extends string = string> {
  /** Stable snake_case id stored in export definitions. */
  readonly id: Id;
  /** Its plain name, as the export guide and the console list it (e.g. `Upper case`). */
  readonly title: string;
  /** One sentence for people choosing a filter. */
  readonly description: string;
  /** Field types the filter makes sense on; a definition pairing it with another type is refused. */
  readonly accepts: readonly FieldType[];
  /**
   * Builds the per-value function, creating every costly object (zones, tables) once. A filter
   * built on a library (phone numbers, country names) imports it here, so only an export that
   * uses the filter loads it; the function it returns stays synchronous.
   */
  compile(ctx: FilterContext): CompiledFilter | Promise<CompiledFilter>;
}

/**
 * Declares a filter and keeps its literal id in the type.
 *
 * @example
 * export const upperCaseFilter = defineFilter({
 *   id: 'upper_case', title: 'Upper case', description: 'Upper case.', accepts: ['text'],
 *   compile: () => (value) => rawValueToText(value).toUpperCase(),
 * });
 */
export function defineFilter<const Id extends string>(definition: FilterDefinition<Id>): FilterDefinition<Id> {
  return Object.freeze({ ...definition, accepts: Object.freeze([...definition.accepts]) });
}

/** The text of a raw value: '' for null/undefined/invalid dates, ISO 8601 for dates. */
export function rawValueToText(value: RawValue): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? '' : value.toISOString();
  if (typeof value === 'number' && Number.isNaN(value)) return '';
  return String(value);
}

/** True for null, undefined, NaN, invalid dates and strings holding only whitespace. */
export function isBlankValue(value: RawValue): boolean {
  if (typeof value === 'string') return value.trim() === '';
  return rawValueToText(value) === '';
}

/** Lower case with accents and other combining marks removed, for lenient lookups. */
export function foldForLookup(text: string): string {
  return text.normalize('NFD').replace(COMBINING_MARKS, '').toLowerCase();
}

const COMBINING_MARKS = /\p{M}+/gu;

/**
 * Wraps a text lookup with a bounded cache keyed by the raw input, for filters whose inputs
 * repeat a lot (civilities, countries). The cache is cleared when it reaches `limit` entries.
 */
export function memoizeText(compute: (text: string) => string, limit = 10_000): (text: string) => string {
  const cache = new Map<string, string>();
  return (text) => {
    let result = cache.get(text);
    if (result === undefined) {
      if (cache.size >= limit) cache.clear();
      result = compute(text);
      cache.set(text, result);
    }
    return result;
  };
}
