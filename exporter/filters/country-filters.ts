import { createRequire } from 'node:module';
import countries, { type LocaleData } from 'i18n-iso-countries/index.js';
import { defineFilter, foldForLookup, memoizeText, rawValueToText } from './filter.js';

/** What the country filters need, built once per process on first use. */
interface CountryTables {
  /** Folded name (fr or en, any alias) or lower-case alpha-2/alpha-3 code → alpha-2; null when ambiguous. */
  readonly codeByKey: ReadonlyMap<string, string | null>;
}

const LOCALES = ['en', 'fr'] as const;
const NON_ALPHANUMERIC_RUNS = /[^\p{L}\p{N}]+/gu;

let tables: CountryTables | undefined;

/** Registers the en and fr names with i18n-iso-countries (once) and indexes them. */
function countryTables(): CountryTables {
  if (tables !== undefined) return tables;
  const require = createRequire(import.meta.url);
  for (const locale of LOCALES) {
    countries.registerLocale(require(`i18n-iso-countries/langs/${locale}.json`) as LocaleData);
  }
  const codeByKey = new Map<string, string | null>();
  const add = (key: string, code: string): void => {
    const known = codeByKey.get(key);
    codeByKey.set(key, known === undefined || known === code ? code : null);
  };
  for (const [alpha2, alpha3] of Object.entries(countries.getAlpha2Codes())) {
    add(alpha2.toLowerCase(), alpha2);
    add(alpha3.toLowerCase(), alpha2);
  }
  for (const locale of LOCALES) {
    for (const [alpha2, names] of Object.entries(countries.getNames(locale, { select: 'all' }))) {
      for (const name of names) add(nameKey(name), alpha2);
    }
  }
  tables = { codeByKey };
  return tables;
}

/** 'Côte d’Ivoire', "cote d'ivoire" and 'COTE-D-IVOIRE' share one key. */
function nameKey(name: string): string {
  return foldForLookup(name).replace(NON_ALPHANUMERIC_RUNS, ' ').trim();
}

/** The alpha-2 code of a French or English name or alias, or of an alpha-2/alpha-3 code. */
function codeOf(text: string, lookup: CountryTables): string | undefined {
  return lookup.codeByKey.get(nameKey(text)) ?? undefined;
}

/**
 * Country name in ctx.locale from an ISO 3166-1 code (alpha-2, alpha-3 or numeric, any case):
 * `FR`, `fra` and `250` give `France`; `DE` gives `Allemagne` in French. A French or English
 * name is accepted too and translated. Unknown values give ''.
 */
export const countryNameFilter = defineFilter({
  id: 'country_name',
  title: 'Country name (long format)',
  description: 'Country name in the export language, from an ISO 3166 code.',
  accepts: ['text'],
  compile(ctx) {
    const lookup = countryTables();
    const convert = memoizeText((text) => {
      const trimmed = text.trim();
      if (trimmed === '') return '';
      const code = countries.getName(trimmed, ctx.locale) !== undefined ? trimmed : codeOf(trimmed, lookup);
      return code === undefined ? '' : (countries.getName(code, ctx.locale) ?? '');
    });
    return (value) => convert(rawValueToText(value));
  },
});

/**
 * ISO 3166-1 alpha-2 code from a country name in French or English (official name or a
 * common alias such as `UK` or `USA`), case, accents and punctuation ignored: `côte d'ivoire`
 * gives `CI`. Codes are accepted too (`fra` gives `FR`). Unknown or ambiguous names (`Congo`)
 * give ''.
 */
export const countryCodeFilter = defineFilter({
  id: 'country_code',
  title: 'Country code (short format)',
  description: 'ISO 3166 alpha-2 code from a country name in French or English.',
  accepts: ['text'],
  compile() {
    const lookup = countryTables();
    const convert = memoizeText((text) => codeOf(text, lookup) ?? '');
    return (value) => convert(rawValueToText(value));
  },
});
