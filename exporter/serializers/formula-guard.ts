/**
 * First characters that make a spreadsheet treat a cell as a formula (OWASP "CSV injection"):
 * `=`, `+`, `-`, `@`, tab, CR, and the full-width `＝ ＋ － ＠` that some apps normalize.
 * Spreadsheets import delimited and fixed-width text as readily as CSV, so both guard alike.
 */
export const FORMULA_FIRST_CHARS: readonly string[] = Object.freeze(
  ['=', '+', '-', '@', '\t', '\r', '\uFF1D', '\uFF0B', '\uFF0D', '\uFF20'],
);
const FORMULA_FIRST_CODES = new Set(FORMULA_FIRST_CHARS.map((c) => c.charCodeAt(0)));

/** Prefixes `'` to a cell a spreadsheet would run as a formula. */
export function guardFormula(cell: string): string {
  return FORMULA_FIRST_CODES.has(cell.charCodeAt(0)) ? `'${cell}` : cell;
}
