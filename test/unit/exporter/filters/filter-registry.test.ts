import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../../core/errors.js';
import { FIELD_TYPES, type RawValue } from '../../../../core/field-type.js';
import {
  FILTERS,
  FILTER_IDS,
  compileFilter,
  filterAccepts,
  isFilterId,
  validateFilterChoice,
  type FilterId,
} from '../../../../exporter/filters/index.js';

const ctx = { timeZone: 'Europe/Paris', locale: 'fr', now: new Date('2025-01-01T00:00:00Z') } as const;

/** What each filter writes for a missing value: '' unless the filter says otherwise. */
const FOR_MISSING: Partial<Record<FilterId, string>> = { true_false: 'false', one_zero: '0', presence_flag: '0' };

describe('filter registry', () => {
  it('lists every filter once, under a snake_case id, with a description and accepted types', () => {
    expect(new Set(FILTER_IDS).size).toBe(FILTERS.length);
    for (const filter of FILTERS) {
      expect(filter.id).toMatch(/^[a-z][a-z0-9]*(_[a-z0-9]+)*$/);
      expect(filter.description.length).toBeGreaterThan(10);
      expect(filter.accepts.length).toBeGreaterThan(0);
      expect(Object.isFrozen(filter)).toBe(true);
    }
    expect(FILTER_IDS).toEqual(
      expect.arrayContaining(['age', 'true_false', 'presence_flag', 'civility_long', 'civility_short', 'country_name']),
    );
  });

  it('tells known ids from others', () => {
    expect(isFilterId('age')).toBe(true);
    expect(isFilterId('phone_e164')).toBe(true);
    for (const id of ['Age', 'unknown', '', 'constructor', '__proto__', 42, null]) expect(isFilterId(id)).toBe(false);
  });

  it('says which field types a filter accepts', () => {
    expect(filterAccepts('age', 'date')).toBe(true);
    expect(filterAccepts('age', 'datetime')).toBe(true);
    expect(filterAccepts('age', 'text')).toBe(true);
    expect(filterAccepts('age', 'boolean')).toBe(false);
    expect(filterAccepts('phone_e164', 'number')).toBe(false);
    expect(filterAccepts('presence_flag', 'boolean')).toBe(true);
    expect(filterAccepts('nope', 'text')).toBe(false);
  });

  it('refuses an unknown filter or one that does not fit the field type, at the given path', () => {
    expect(() => validateFilterChoice('age', 'date', '/fields/0/filter')).not.toThrow();
    const unknown = catchError(() => validateFilterChoice('nope', 'text', '/fields/1/filter'));
    expect(unknown).toBeInstanceOf(ValidationError);
    expect(unknown.path).toBe('/fields/1/filter');
    const misfit = catchError(() => validateFilterChoice('age', 'boolean', '/fields/2/filter'));
    expect(misfit.path).toBe('/fields/2/filter');
    expect(misfit.message).toContain('boolean');
  });

  it('refuses to compile with an unknown id, time zone, locale or time', async () => {
    expect((await rejection(compileFilter('nope' as FilterId, ctx))).path).toBe('/filter');
    expect((await rejection(compileFilter('age', { ...ctx, timeZone: 'Mars/Olympus' }))).path).toBe('/timeZone');
    expect((await rejection(compileFilter('age', { ...ctx, locale: 'de' as 'fr' }))).path).toBe('/locale');
    expect((await rejection(compileFilter('age', { ...ctx, now: new Date(Number.NaN) }))).path).toBe('/now');
  });

  it('makes every filter write a string, never throw, whatever value it is given', async () => {
    const odd: RawValue[] = [
      '',
      ' ',
      'x',
      '0',
      '\u0000',
      '𐐨',
      'a'.repeat(10_000),
      0,
      -1,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      true,
      false,
      new Date(0),
      new Date(Number.NaN),
      null,
      undefined,
    ];
    for (const id of FILTER_IDS) {
      const filter = await compileFilter(id, ctx);
      for (const value of odd) expect(typeof filter(value), `${id}`).toBe('string');
      expect(filter(null), id).toBe(FOR_MISSING[id] ?? '');
      expect(filter(undefined), id).toBe(FOR_MISSING[id] ?? '');
      expect(filter(''), id).toBe(FOR_MISSING[id] ?? '');
    }
  });

  it('only accepts known field types', () => {
    for (const filter of FILTERS) for (const type of filter.accepts) expect(FIELD_TYPES).toContain(type);
  });
});

function catchError(run: () => unknown): ValidationError {
  try {
    run();
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error('expected a ValidationError');
}

async function rejection(compiling: Promise<unknown>): Promise<ValidationError> {
  const error = await compiling.then(() => undefined, (reason: unknown) => reason);
  if (error instanceof ValidationError) return error;
  throw new Error('expected a ValidationError');
}
