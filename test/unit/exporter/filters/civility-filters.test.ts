import { describe, expect, it } from 'vitest';
import { LONG_CIVILITIES, SHORT_CIVILITIES } from '../../../../exporter/filters/civility-filters.js';
import { compileFilter } from '../../../../exporter/filters/index.js';

function civility(id: 'civility_long' | 'civility_short', locale: 'fr' | 'en') {
  return compileFilter(id, { timeZone: 'Europe/Paris', locale, now: new Date('2025-01-01T00:00:00Z') });
}

const INPUTS = {
  mr: ['M', 'M.', 'm', 'Mr', 'MR.', 'mr', 'Monsieur', 'MONSIEUR', ' monsieur ', 'Mister'],
  mrs: ['Mme', 'MME.', 'Mrs', 'Mrs.', 'Madame', 'madame', 'MADAME'],
  miss: ['Mlle', 'Melle', 'MLLE.', 'Miss', 'Mademoiselle', 'mademoiselle'],
  ms: ['Ms', 'Ms.', 'MS'],
} as const;

const EXPECTED = {
  civility_long: {
    fr: { mr: 'Monsieur', mrs: 'Madame', miss: 'Mademoiselle', ms: 'Madame' },
    en: { mr: 'Mr', mrs: 'Mrs', miss: 'Miss', ms: 'Ms' },
  },
  civility_short: {
    fr: { mr: 'M.', mrs: 'Mme', miss: 'Mlle', ms: 'Mme' },
    en: { mr: 'Mr.', mrs: 'Mrs.', miss: 'Miss', ms: 'Ms.' },
  },
} as const;

describe('civility filters', () => {
  it('follow the spec anchors', async () => {
    expect((await civility('civility_long', 'fr'))('M')).toBe('Monsieur');
    expect((await civility('civility_long', 'en'))('M')).toBe('Mr');
    expect((await civility('civility_short', 'fr'))('Madame')).toBe('Mme');
    expect((await civility('civility_short', 'en'))('Madame')).toBe('Mrs.');
  });

  for (const id of ['civility_long', 'civility_short'] as const) {
    for (const locale of ['fr', 'en'] as const) {
      it(`${id} in ${locale} reads every French and English spelling`, async () => {
        const filter = await civility(id, locale);
        for (const [kind, spellings] of Object.entries(INPUTS) as [keyof typeof INPUTS, readonly string[]][]) {
          for (const spelling of spellings) expect(filter(spelling), spelling).toBe(EXPECTED[id][locale][kind]);
        }
      });
    }
  }

  it('give nothing for unknown or empty values', async () => {
    const filter = await civility('civility_long', 'fr');
    for (const value of ['Dr', 'Mx', 'Madam', 'MM', 'x', '', '  ', null, undefined, 1]) expect(filter(value)).toBe('');
  });

  it('read back every form they write as the same civility', async () => {
    for (const table of [LONG_CIVILITIES, SHORT_CIVILITIES]) {
      for (const written of [...Object.values(table.fr), ...Object.values(table.en)]) {
        for (const locale of ['fr', 'en'] as const) {
          const long = await civility('civility_long', locale);
          const short = await civility('civility_short', locale);
          expect(long(written), written).not.toBe('');
          expect(short(long(written)), written).toBe(short(written));
          expect(long(short(written)), written).toBe(long(written));
        }
      }
    }
  });
});
