import { uniqueNames } from './unique-names.js';

/** XML 1.0 (5th edition) NameStartChar, without `:` (reserved for namespaces). */
const START =
  'A-Z_a-z\\u{C0}-\\u{D6}\\u{D8}-\\u{F6}\\u{F8}-\\u{2FF}\\u{370}-\\u{37D}\\u{37F}-\\u{1FFF}' +
  '\\u{200C}-\\u{200D}\\u{2070}-\\u{218F}\\u{2C00}-\\u{2FEF}\\u{3001}-\\u{D7FF}\\u{F900}-\\u{FDCF}' +
  '\\u{FDF0}-\\u{FFFD}\\u{10000}-\\u{EFFFF}';
/** XML 1.0 NameChar, without `:`. */
const NAME = `${START}\\-.0-9\\u{B7}\\u{300}-\\u{36F}\\u{203F}-\\u{2040}`;

const NOT_NAME_CHAR = new RegExp(`[^${NAME}]`, 'gu');
const NAME_START = new RegExp(`^[${START}]`, 'u');

/**
 * Turns a column name into a valid XML element name, deterministically: every character that
 * is not allowed becomes `_`, and `_` is prefixed when the name is empty, does not start with
 * a letter or `_`, or starts with the reserved `xml` (any case).
 *
 * @example toXmlElementName('2nd e-mail') // '_2nd_e-mail'
 */
export function toXmlElementName(name: string): string {
  const replaced = name.replace(NOT_NAME_CHAR, '_');
  if (!NAME_START.test(replaced) || /^xml/i.test(replaced)) return `_${replaced}`;
  return replaced;
}

/** Element names for all columns: valid, and unique (duplicates get `_2`, `_3`, …). */
export function toXmlElementNames(names: readonly string[]): readonly string[] {
  return uniqueNames(names.map(toXmlElementName));
}
