import {
  defineFilter,
  foldForLookup,
  memoizeText,
  rawValueToText,
  type CompiledFilter,
  type FilterContext,
} from './filter.js';

/** The civilities told apart: Mister, Missus, Miss, and Ms (no French counterpart: Madame). */
type Civility = 'mr' | 'mrs' | 'miss' | 'ms';

/**
 * Inputs recognized, in French or English, compared lower-cased, accents ignored, without a
 * final period: `M.`, `mr.` and `MR` are all `mr`.
 */
const CIVILITY_INPUTS: Readonly<Record<string, Civility>> = {
  m: 'mr',
  mr: 'mr',
  monsieur: 'mr',
  mister: 'mr',
  mme: 'mrs',
  mrs: 'mrs',
  madame: 'mrs',
  missus: 'mrs',
  mlle: 'miss',
  melle: 'miss',
  mademoiselle: 'miss',
  miss: 'miss',
  ms: 'ms',
};

type CivilityTable = Readonly<Record<FilterContext['locale'], Readonly<Record<Civility, string>>>>;

/** Long forms: French words in full, English titles without period (as the spec's `Mr`). */
export const LONG_CIVILITIES: CivilityTable = {
  fr: { mr: 'Monsieur', mrs: 'Madame', miss: 'Mademoiselle', ms: 'Madame' },
  en: { mr: 'Mr', mrs: 'Mrs', miss: 'Miss', ms: 'Ms' },
};

/** Short forms: French abbreviations, English titles with the American period (`Mrs.`). */
export const SHORT_CIVILITIES: CivilityTable = {
  fr: { mr: 'M.', mrs: 'Mme', miss: 'Mlle', ms: 'Mme' },
  en: { mr: 'Mr.', mrs: 'Mrs.', miss: 'Miss', ms: 'Ms.' },
};

const FINAL_PERIOD = /\.$/;

function readCivility(text: string): Civility | undefined {
  const key = foldForLookup(text.trim()).replace(FINAL_PERIOD, '');
  return Object.hasOwn(CIVILITY_INPUTS, key) ? CIVILITY_INPUTS[key] : undefined;
}

function civilityFilter(table: CivilityTable): (ctx: FilterContext) => CompiledFilter {
  return (ctx) => {
    const words = table[ctx.locale];
    const convert = memoizeText((text) => {
      const civility = readCivility(text);
      return civility === undefined ? '' : words[civility];
    });
    return (value) => convert(rawValueToText(value));
  };
}

/** Civility in full, in ctx.locale: `M` gives `Monsieur` (fr) or `Mr` (en); unknown gives ''. */
export const civilityLongFilter = defineFilter({
  id: 'civility_long',
  title: 'Civility, long format',
  description: 'Civility in full (Monsieur, Madame, Mademoiselle / Mr, Mrs, Miss, Ms).',
  accepts: ['text'],
  compile: civilityFilter(LONG_CIVILITIES),
});

/** Civility abbreviated, in ctx.locale: `Madame` gives `Mme` (fr) or `Mrs.` (en); unknown gives ''. */
export const civilityShortFilter = defineFilter({
  id: 'civility_short',
  title: 'Civility, short format',
  description: 'Civility abbreviated (M., Mme, Mlle / Mr., Mrs., Miss, Ms.).',
  accepts: ['text'],
  compile: civilityFilter(SHORT_CIVILITIES),
});
