import { FALSE_WORDS } from './boolean-words.js';
import { defineFilter, isBlankValue, rawValueToText } from './filter.js';

/**
 * `true` or `false`. Read as false, in any case and trimmed: 0, false, no, non, off, n, f, and
 * empty values; every other value (1, true, yes, oui, on, y, but also 'maybe') is true.
 */
export const trueFalseFilter = defineFilter({
  id: 'true_false',
  title: 'Text to true/false',
  description: 'true or false: 0, false, no, non, off, n and empty give false; anything else gives true.',
  accepts: ['text', 'boolean', 'number'],
  compile: () => (value) => {
    if (typeof value === 'boolean') return value ? 'true' : 'false';
    const text = rawValueToText(value).trim();
    if (text === '') return 'false';
    return FALSE_WORDS.has(text.toLowerCase()) ? 'false' : 'true';
  },
});

/** `0` when the value is empty (null, or only whitespace), `1` otherwise, whatever the value says. */
export const presenceFlagFilter = defineFilter({
  id: 'presence_flag',
  title: '0 if empty, otherwise 1',
  description: '0 when the value is empty, 1 otherwise.',
  accepts: ['text', 'number', 'boolean', 'date', 'datetime'],
  compile: () => (value) => (isBlankValue(value) ? '0' : '1'),
});
