import { ValidationError } from '../../core/errors.js';
import type { ExportColumn } from './export-column.js';
import { guardFormula } from './formula-guard.js';
import { normalizeTxtOptions, type Normalized, type TxtFormatOptions } from './format-options.js';
import type { Serializer } from './serializer.js';
import { fitToWidth, type FitOptions } from './text-width.js';

const LINE_BREAK = /[\r\n]/g;

/** Largest fixed width accepted for one column, in code points. */
export const MAX_FIXED_WIDTH = 10_000;

/**
 * The fixed-width layout of each column: width = maxSize ?? minSize, a whole number from 1 to
 * MAX_FIXED_WIDTH. Throws ValidationError at `columnsPath/<i>/maxSize` (`/minSize` when only
 * that one is set and wrong) otherwise.
 */
export function fixedWidths(columns: readonly ExportColumn[], columnsPath: string): readonly FitOptions[] {
  return Object.freeze(
    columns.map((column, i) => {
      const key = column.maxSize === undefined && column.minSize !== undefined ? 'minSize' : 'maxSize';
      const width = column[key];
      const path = `${columnsPath}/${i}/${key}`;
      if (width === undefined) {
        throw new ValidationError('A fixed-width text export needs maxSize or minSize on every column', path);
      }
      if (!Number.isInteger(width) || width < 1 || width > MAX_FIXED_WIDTH) {
        throw new ValidationError(`Column width must be a whole number from 1 to ${MAX_FIXED_WIDTH}`, path);
      }
      return Object.freeze({ width, padChar: column.padChar ?? ' ', padSide: column.padSide ?? 'right' });
    }),
  );
}

/** Builds a text serializer from the function that renders one line (without its ending). */
function textSerializer(
  options: Normalized<TxtFormatOptions>,
  columns: readonly ExportColumn[],
  render: (cells: readonly string[]) => string,
): Serializer {
  const { lineEnding } = options;
  const head = options.header ? render(columns.map((c) => c.name)) + lineEnding : '';
  return Object.freeze({
    extension: 'txt',
    contentType: 'text/plain; charset=utf-8',
    columnCount: columns.length,
    begin: () => head,
    row: (cells: readonly string[]) => render(cells) + lineEnding,
    end: () => '',
  });
}

/**
 * Plain text, fixed width or delimited (see TxtFormatOptions). Cells a spreadsheet would run
 * as formulas get a leading `'` first (unless `formulaGuard: false`); then line breaks inside a
 * value become spaces in both layouts, as does the delimiter in the delimited one.
 */
export function createTxtSerializer(
  format: TxtFormatOptions,
  columns: readonly ExportColumn[],
  columnsPath: string,
): Serializer {
  const options = normalizeTxtOptions(format);
  const count = columns.length;
  const guard = options.formulaGuard ? guardFormula : (cell: string) => cell;
  if (options.layout === 'fixed') {
    const fits = fixedWidths(columns, columnsPath);
    return textSerializer(options, columns, (cells) => {
      let text = '';
      for (let i = 0; i < count; i += 1) text += fitToWidth(guard(cells[i]).replace(LINE_BREAK, ' '), fits[i]);
      return text;
    });
  }
  const { delimiter } = options;
  const unsafe = new RegExp(`[\\r\\n${delimiter === '\t' ? '\\t' : `\\${delimiter}`}]`, 'g');
  return textSerializer(options, columns, (cells) => {
    let text = guard(cells[0]).replace(unsafe, ' ');
    for (let i = 1; i < count; i += 1) text += delimiter + guard(cells[i]).replace(unsafe, ' ');
    return text;
  });
}
