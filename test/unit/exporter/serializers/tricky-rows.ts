import type { ExportColumn } from '../../../../exporter/serializers/export-column.js';

/** Columns of the tricky fixture, with fixed widths for the TXT layout. */
export const TRICKY_COLUMNS: readonly ExportColumn[] = [
  { name: 'id', maxSize: 3, padChar: '0', padSide: 'left' },
  { name: 'Full name', maxSize: 10 },
  { name: 'note', minSize: 8 },
  { name: 'city', maxSize: 6, padSide: 'left' },
  { name: 'formula', maxSize: 12 },
];

/** Values that break naive writers: delimiters, quotes, line breaks, accents, emoji, formulas, empties. */
export const TRICKY_ROWS: readonly (readonly string[])[] = [
  ['1', 'Zoë Ångström', 'plain', '', '=SUM(A1:A2)'],
  ['2', 'Doe, John', 'He said "hi"', 'São Paulo', '+33 6 12 34 56 78'],
  ['3', 'Line\nbreak', 'CR\r\nLF', 'Zürich', '-5'],
  ['4', '🎉 Party 👩‍💻', "it's", '東京', '@handle'],
  ['5', '', '', '', '\ttabbed'],
  ['6', 'semi;colon|pipe', 'tab\tinside', 'a < b & c', '\rcarriage'],
  ['7', '  spaced  ', ']]>', 'naïve café', '＝1+1'],
  ['8', 'x'.repeat(12), '"', "'", ''],
];
