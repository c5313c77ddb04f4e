import { describe, expect, it } from 'vitest';
import { compileFilter } from '../../../../exporter/filters/index.js';

function country(id: 'country_name' | 'country_code', locale: 'fr' | 'en') {
  return compileFilter(id, { timeZone: 'Europe/Paris', locale, now: new Date('2025-01-01T00:00:00Z') });
}

describe('country_name filter', () => {
  it('names a country from its alpha-2, alpha-3 or numeric code, in the export language', async () => {
    const fr = await country('country_name', 'fr');
    const en = await country('country_name', 'en');
    expect(fr('FR')).toBe('France');
    expect(fr('de')).toBe('Allemagne');
    expect(en('DE')).toBe('Germany');
    expect(en('DEU')).toBe('Germany');
    expect(en('276')).toBe('Germany');
    expect(fr(' es ')).toBe('Espagne');
    expect(en('US')).toBe('United States of America');
  });

  it('translates a French or English name into the export language', async () => {
    expect((await country('country_name', 'en'))('Allemagne')).toBe('Germany');
    expect((await country('country_name', 'fr'))('germany')).toBe('Allemagne');
  });

  it('gives nothing for unknown or empty values', async () => {
    const en = await country('country_name', 'en');
    for (const value of ['XX', 'ZZZ', '999', 'Atlantis', '', '  ', null, undefined]) expect(en(value)).toBe('');
  });
});

describe('country_code filter', () => {
  it('finds the alpha-2 code of French and English names, whatever the export language', async () => {
    for (const locale of ['fr', 'en'] as const) {
      const code = await country('country_code', locale);
      expect(code('France')).toBe('FR');
      expect(code('allemagne')).toBe('DE');
      expect(code('GERMANY')).toBe('DE');
      expect(code('Royaume-Uni')).toBe('GB');
      expect(code('United Kingdom')).toBe('GB');
      expect(code('UK')).toBe('GB');
      expect(code('USA')).toBe('US');
    }
  });

  it('ignores accents, case and punctuation', async () => {
    const code = await country('country_code', 'fr');
    expect(code("États-Unis d'Amérique")).toBe('US');
    expect(code('etats unis d amerique')).toBe('US');
    expect(code('Côte d’Ivoire')).toBe('CI');
    expect(code("cote d'ivoire")).toBe('CI');
    expect(code('  PÉROU ')).toBe('PE');
    expect(code('Perou')).toBe('PE');
  });

  it('passes codes through as alpha-2', async () => {
    const code = await country('country_code', 'en');
    expect(code('fr')).toBe('FR');
    expect(code('FRA')).toBe('FR');
  });

  it('gives nothing for unknown, ambiguous or empty names', async () => {
    const code = await country('country_code', 'en');
    for (const value of ['Atlantis', 'Congo', 'Fr ance', '', '   ', null, undefined]) expect(code(value)).toBe('');
  });
});
