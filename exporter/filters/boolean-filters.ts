import { FALSE_WORDS } from './boolean-words.js';
import type { RawValue } from '../../core/field-type.js';
import { defineFilter, isBlankValue, rawValueToText } from './filter.js';

/**
 * Whether a value reads as true. Read as false, in any case and trimmed: 0, false, no, non, off,
 * n, f, and empty values; every other value (1, true, yes, oui, on, y, but also 'maybe') is true.
 */
function readsTrue(value: RawValue): boolean {
  if (typeof value === 'boolean') return value;
  const text = rawValueToText(value).trim();
  return text !== '' && !FALSE_WORDS.has(text.toLowerCase());
}

/** `true` or `false`, as `readsTrue` reads the value. */
export const trueFalseFilter = defineFilter({
  id: 'true_false',
  title: 'Text to true/false',
  description: 'true or false: 0, false, no, non, off, n and empty give false; anything else gives true.',
  accepts: ['text', 'boolean', 'number'],
  compile: () => (value) => (readsTrue(value) ? 'true' : 'false'),
});

/** `1` or `0`, as `readsTrue` reads the value: the guide's flags (is_anonymous, mobile, can_participate = 1 or 0). */
export const oneZeroFilter = defineFilter({
  id: 'one_zero',
  title: 'Text to 1/0',
  description: '1 or 0: false, 0, no, non, off, n and empty give 0; anything else (true, yes, …) gives 1.',
  accepts: ['text', 'boolean', 'number'],
  compile: () => (value) => (readsTrue(value) ? '1' : '0'),
});

/** `0` when the value is empty (null, or only whitespace), `1` otherwise, whatever the value says. */
export const presenceFlagFilter = defineFilter({
  id: 'presence_flag',
  title: '0 if empty, otherwise 1',
  description: '0 when the value is empty, 1 otherwise.',
  accepts: ['text', 'number', 'boolean', 'date', 'datetime'],
  compile: () => (value) => (isBlankValue(value) ? '0' : '1'),
});
