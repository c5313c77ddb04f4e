import { ValidationError } from '../../core/errors.js';
import type { FieldType } from '../../core/field-type.js';
import { ageFilter } from './age-filter.js';
import { oneZeroFilter, presenceFlagFilter, trueFalseFilter } from './boolean-filters.js';
import { capitalizeFirstFilter, collapseSpacesFilter, lowerCaseFilter, upperCaseFilter } from './case-filters.js';
import { civilityLongFilter, civilityShortFilter } from './civility-filters.js';
import { countryCodeFilter, countryNameFilter } from './country-filters.js';
import {
  dateDdmmyyyyFilter,
  dateYyyyMmDdFilter,
  dateYyyymmddFilter,
  datetimeYyyyMmDdHhMiSsFilter,
} from './date-format-filters.js';
import type { CompiledFilter, FilterContext, FilterDefinition } from './filter.js';
import { phoneE164Filter, phoneFr10DigitsFilter } from './phone-filters.js';
import { isKnownTimeZone } from './zone-offset-cache.js';

export type { CompiledFilter, FilterContext, FilterDefinition } from './filter.js';
export { defineFilter, rawValueToText } from './filter.js';

/** Every filter an export field can use, in the order the console lists them. */
export const FILTERS = [
  ageFilter,
  trueFalseFilter,
  oneZeroFilter,
  presenceFlagFilter,
  civilityLongFilter,
  civilityShortFilter,
  countryNameFilter,
  countryCodeFilter,
  lowerCaseFilter,
  upperCaseFilter,
  capitalizeFirstFilter,
  collapseSpacesFilter,
  phoneE164Filter,
  phoneFr10DigitsFilter,
  dateDdmmyyyyFilter,
  datetimeYyyyMmDdHhMiSsFilter,
  dateYyyyMmDdFilter,
  dateYyyymmddFilter,
] as const;

/** The id of a known filter. */
export type FilterId = (typeof FILTERS)[number]['id'];

export const FILTER_IDS: readonly FilterId[] = Object.freeze(FILTERS.map((filter) => filter.id));

const REGISTRY: ReadonlyMap<string, FilterDefinition> = buildRegistry(FILTERS);

function buildRegistry(filters: readonly FilterDefinition[]): ReadonlyMap<string, FilterDefinition> {
  const registry = new Map<string, FilterDefinition>();
  for (const filter of filters) {
    if (registry.has(filter.id)) throw new Error(`Two filters share the id ${filter.id}`);
    registry.set(filter.id, filter);
  }
  return registry;
}

/** True when `id` names a known filter. */
export function isFilterId(id: unknown): id is FilterId {
  return typeof id === 'string' && REGISTRY.has(id);
}

/** True when filter `id` can be used on a field of `type`; false for unknown ids. */
export function filterAccepts(id: string, type: FieldType): boolean {
  return REGISTRY.get(id)?.accepts.includes(type) ?? false;
}

/**
 * Checks a filter choice of an export definition: a known id that fits the field's type.
 * Throws ValidationError at `jsonPath` otherwise.
 */
export function validateFilterChoice(id: unknown, type: FieldType, jsonPath: string): asserts id is FilterId {
  if (!isFilterId(id)) throw new ValidationError('Unknown filter', jsonPath);
  if (!filterAccepts(id, type)) throw new ValidationError(`Filter ${id} does not apply to ${type} fields`, jsonPath);
}

/**
 * Builds the function that runs filter `id` on each value of an export, loading the library it
 * needs if any. Call it once per run and field; the result is cheap to call a million times.
 *
 * @example
 * const age = await compileFilter('age', { timeZone: 'Europe/Paris', locale: 'fr', now: new Date() });
 * age('1991-06-18'); // '33' in 2025
 */
export async function compileFilter(id: FilterId, ctx: FilterContext): Promise<CompiledFilter> {
  const filter = REGISTRY.get(id);
  if (filter === undefined) throw new ValidationError('Unknown filter', '/filter');
  validateFilterContext(ctx);
  return filter.compile(ctx);
}

function validateFilterContext(ctx: FilterContext): void {
  if (!isKnownTimeZone(ctx.timeZone)) throw new ValidationError('Unknown time zone', '/timeZone');
  if (ctx.locale !== 'fr' && ctx.locale !== 'en') throw new ValidationError('Locale must be fr or en', '/locale');
  if (!(ctx.now instanceof Date) || Number.isNaN(ctx.now.getTime())) {
    throw new ValidationError('The export time is not a valid date', '/now');
  }
}
