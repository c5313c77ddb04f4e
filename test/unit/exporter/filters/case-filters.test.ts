import { describe, expect, it } from 'vitest';
import { compileFilter } from '../../../../exporter/filters/index.js';

const ctx = { timeZone: 'Europe/Paris', locale: 'fr', now: new Date('2025-01-01T00:00:00Z') } as const;
const lower = await compileFilter('lower_case', ctx);
const upper = await compileFilter('upper_case', ctx);
const capitalize = await compileFilter('capitalize_first', ctx);
const collapse = await compileFilter('collapse_spaces', ctx);

describe('lower_case and upper_case filters', () => {
  it('change case and keep accents', () => {
    expect(lower('ÉLODIE Ñandú ÇA')).toBe('élodie ñandú ça');
    expect(upper('élodie ñandú ça œuvre')).toBe('ÉLODIE ÑANDÚ ÇA ŒUVRE');
    expect(upper('straße')).toBe('STRASSE');
  });

  it('give nothing for empty values', () => {
    for (const value of ['', null, undefined]) {
      expect(lower(value)).toBe('');
      expect(upper(value)).toBe('');
    }
  });
});

describe('capitalize_first filter', () => {
  it('upper-cases the first letter, accents included, and leaves the rest unchanged', () => {
    expect(capitalize('élodie')).toBe('Élodie');
    expect(capitalize('élodie DUPONT')).toBe('Élodie DUPONT');
    expect(capitalize('mcCain')).toBe('McCain');
    expect(capitalize('JEAN')).toBe('JEAN');
    expect(capitalize('œdipe')).toBe('Œdipe');
  });

  it('skips leading spaces and keeps them', () => {
    expect(capitalize('  élodie')).toBe('  Élodie');
  });

  it('handles a decomposed accent and a character outside the basic plane', () => {
    expect(capitalize('e\u0301lodie')).toBe('E\u0301lodie');
    expect(capitalize('𐐨x')).toBe('𐐀x');
  });

  it('leaves text that starts with no letter alone', () => {
    expect(capitalize('12 rue')).toBe('12 rue');
    expect(capitalize('   ')).toBe('   ');
    expect(capitalize('')).toBe('');
    expect(capitalize(null)).toBe('');
  });
});

describe('collapse_spaces filter', () => {
  it('trims and turns inner runs of any whitespace into one space', () => {
    expect(collapse('  Jean   Pierre  ')).toBe('Jean Pierre');
    expect(collapse('a \t b\n\nc\u00a0 d')).toBe('a b c d');
    expect(collapse('ok')).toBe('ok');
  });

  it('gives nothing for blank values', () => {
    for (const value of ['', ' \t\n ', null, undefined]) expect(collapse(value)).toBe('');
  });
});
