import { createRequire } from 'node:module';
import countries, { type LocaleData } from 'i18n-iso-countries/index.js';
import { foldForLookup } from './filter.js';

/** Country codes and names in French and English, from i18n-iso-countries. */
export interface CountryLookup {
  /** The alpha-2 code of a French or English name or alias, or of an alpha-2/alpha-3 code; undefined when unknown or ambiguous. */
  codeOf(text: string): string | undefined;
  /** The name in `locale` of the country with this ISO 3166-1 code (alpha-2, alpha-3 or numeric, any case). */
  nameOf(code: string, locale: 'fr' | 'en'): string | undefined;
}

const LOCALES = ['en', 'fr'] as const;
const NON_ALPHANUMERIC_RUNS = /[^\p{L}\p{N}]+/gu;

let lookup: CountryLookup | undefined;

/** 'Côte d’Ivoire', "cote d'ivoire" and 'COTE-D-IVOIRE' share one key. */
function nameKey(name: string): string {
  return foldForLookup(name).replace(NON_ALPHANUMERIC_RUNS, ' ').trim();
}

/**
 * Registers the en and fr names with i18n-iso-countries and indexes them, once per process.
 * Imported by the country filters when an export that uses one is compiled, not before.
 *
 * @example
 * countryLookup().codeOf("côte d'ivoire") // 'CI'
 */
export function countryLookup(): CountryLookup {
  if (lookup !== undefined) return lookup;
  const require = createRequire(import.meta.url);
  for (const locale of LOCALES) {
    countries.registerLocale(require(`i18n-iso-countries/langs/${locale}.json`) as LocaleData);
  }
  /** Folded name (fr or en, any alias) or lower-case alpha-2/alpha-3 code → alpha-2; null when ambiguous. */
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
  lookup = {
    codeOf: (text) => codeByKey.get(nameKey(text)) ?? undefined,
    nameOf: (code, locale) => countries.getName(code, locale),
  };
  return lookup;
}
