import { defineFilter, rawValueToText } from './filter.js';

const WHITESPACE_RUNS = /\s+/g;
const FIRST_NON_SPACE = /\S/u;

/** Lower case, accents kept: 'ÉLODIE' gives 'élodie'. */
export const lowerCaseFilter = defineFilter({
  id: 'lower_case',
  title: 'Lower case',
  description: 'All letters in lower case (accents kept).',
  accepts: ['text'],
  compile: () => (value) => rawValueToText(value).toLowerCase(),
});

/** Upper case, accents kept: 'élodie' gives 'ÉLODIE' (and 'ß' gives 'SS'). */
export const upperCaseFilter = defineFilter({
  id: 'upper_case',
  title: 'Upper case',
  description: 'All letters in upper case (accents kept).',
  accepts: ['text'],
  compile: () => (value) => rawValueToText(value).toUpperCase(),
});

/**
 * First letter in upper case, the rest left as it is: 'élodie' gives 'Élodie', 'mcCain' gives
 * 'McCain', 'JEAN' stays 'JEAN'. Leading spaces are kept and skipped.
 */
export const capitalizeFirstFilter = defineFilter({
  id: 'capitalize_first',
  title: 'First letter capitalized',
  description: 'First letter in upper case, the rest unchanged.',
  accepts: ['text'],
  compile: () => (value) => {
    const text = rawValueToText(value);
    const match = FIRST_NON_SPACE.exec(text);
    if (match === null) return text;
    const start = match.index;
    const first = String.fromCodePoint(text.codePointAt(start) as number);
    return text.slice(0, start) + first.toUpperCase() + text.slice(start + first.length);
  },
});

/** Trims, then turns every inner run of whitespace (tabs, new lines, no-break spaces) into one space. */
export const collapseSpacesFilter = defineFilter({
  id: 'collapse_spaces',
  title: 'Remove extra spaces',
  description: 'Spaces trimmed at both ends and runs of spaces inside reduced to one.',
  accepts: ['text'],
  compile: () => (value) => rawValueToText(value).trim().replace(WHITESPACE_RUNS, ' '),
});
