import { defineFilter, memoizeText, rawValueToText } from './filter.js';

/** The country tables, with i18n-iso-countries, imported by the first export that uses a country filter. */
const loadLookup = async () => (await import('./country-lookup.js')).countryLookup();

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
  async compile(ctx) {
    const lookup = await loadLookup();
    const convert = memoizeText((text) => {
      const trimmed = text.trim();
      if (trimmed === '') return '';
      const code = lookup.nameOf(trimmed, ctx.locale) !== undefined ? trimmed : lookup.codeOf(trimmed);
      return code === undefined ? '' : (lookup.nameOf(code, ctx.locale) ?? '');
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
  async compile() {
    const lookup = await loadLookup();
    const convert = memoizeText((text) => lookup.codeOf(text) ?? '');
    return (value) => convert(rawValueToText(value));
  },
});
