import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../../core/errors.js';
import type { ExportColumn } from '../../../../exporter/serializers/export-column.js';
import { createSerializer } from '../../../../exporter/serializers/serializer-factory.js';
import { guardFormula } from '../../../../exporter/serializers/formula-guard.js';
import { fitToWidth } from '../../../../exporter/serializers/text-width.js';
import { expectGolden, renderAll } from './golden-file.js';
import { TRICKY_COLUMNS, TRICKY_ROWS } from './tricky-rows.js';

const WIDTHS = [3, 10, 8, 6, 12];

/** Splits a line into cells of the given widths, counting code points. */
function cut(line: string, widths: readonly number[]): string[] {
  const points = Array.from(line);
  let at = 0;
  return widths.map((w) => points.slice(at, (at += w)).join(''));
}

/** Catches what `fn` throws, so the error's fields can be checked. */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('TXT serializer, fixed width', () => {
  it('writes the tricky fixture exactly as the golden file', async () => {
    const text = renderAll(createSerializer({ type: 'txt', layout: 'fixed' }, TRICKY_COLUMNS), TRICKY_ROWS);
    await expectGolden('tricky-fixed.txt', text);
  });

  it('gives every line exactly the sum of the widths in code points, each cell padded or truncated', () => {
    const text = renderAll(createSerializer({ type: 'txt', layout: 'fixed' }, TRICKY_COLUMNS), TRICKY_ROWS);
    const lines = text.split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(TRICKY_ROWS.length);
    for (const line of lines) expect(Array.from(line)).toHaveLength(39);
    expect(cut(lines[0], WIDTHS)).toEqual(['001', 'Zoë Ångstr', 'plain   ', '      ', "'=SUM(A1:A2)"]);
    expect(cut(lines[2], WIDTHS)).toEqual(['003', 'Line break', 'CR  LF  ', 'Zürich', "'-5         "]);
    expect(cut(lines[3], WIDTHS)).toEqual(['004', '🎉 Party 👩‍', "it's    ", '    東京', "'@handle    "]);
  });

  it('writes a padded header when asked, with the chosen line ending', () => {
    const columns: ExportColumn[] = [{ name: 'code', maxSize: 6 }, { name: 'amount', maxSize: 5, padChar: '0', padSide: 'left' }];
    const serializer = createSerializer({ type: 'txt', layout: 'fixed', header: true, lineEnding: '\r\n' }, columns);
    expect(renderAll(serializer, [['AB', '42']])).toBe('code  amoun\r\nAB    00042\r\n');
  });

  it('never splits a surrogate pair when truncating', () => {
    expect(fitToWidth('a🎉b', { width: 2, padChar: ' ', padSide: 'right' })).toBe('a🎉');
    expect(fitToWidth('🎉', { width: 3, padChar: '0', padSide: 'left' })).toBe('00🎉');
  });

  it('refuses at creation a column without maxSize or minSize, naming its path', () => {
    const columns: ExportColumn[] = [{ name: 'a', maxSize: 2 }, { name: 'b', minSize: 3 }, { name: 'c' }];
    const error = thrown(() => createSerializer({ type: 'txt', layout: 'fixed' }, columns, { columnsPath: '/export/columns' }));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ code: 'validation_failed', path: '/export/columns/2/maxSize' });
  });

  it.each([
    [{ name: 'a', maxSize: 0 }, '/columns/0/maxSize'],
    [{ name: 'a', maxSize: 2.5 }, '/columns/0/maxSize'],
    [{ name: 'a', minSize: -1 }, '/columns/0/minSize'],
    [{ name: 'a', maxSize: 10_001 }, '/columns/0/maxSize'],
  ])('refuses the width of %j at %s', (column, path) => {
    const error = thrown(() => createSerializer({ type: 'txt', layout: 'fixed' }, [column]));
    expect(error).toMatchObject({ code: 'validation_failed', path });
  });
});

describe('TXT serializer, delimited', () => {
  it('writes the tricky fixture exactly as the golden file (header and | by default)', async () => {
    const text = renderAll(createSerializer({ type: 'txt', layout: 'delimited' }, TRICKY_COLUMNS), TRICKY_ROWS);
    await expectGolden('tricky-delimited.txt', text);
  });

  it.each([',', ';', '\t', '|'] as const)('replaces %j and line breaks inside values by spaces, so every line splits back', (delimiter) => {
    const serializer = createSerializer({ type: 'txt', layout: 'delimited', delimiter, header: false }, TRICKY_COLUMNS);
    const lines = renderAll(serializer, TRICKY_ROWS).split('\n').slice(0, -1);
    expect(lines).toHaveLength(TRICKY_ROWS.length);
    lines.forEach((line, i) => {
      const expected = TRICKY_ROWS[i].map((v) => guardFormula(v).replaceAll(delimiter, ' ').replace(/[\r\n]/g, ' '));
      expect(line.split(delimiter)).toEqual(expected);
    });
  });
});

describe('TXT serializer, formula guard (regression: TXT exports sent =1+1, +, -, @, TAB/CR-led cells raw)', () => {
  const HOSTILE = ['=1+1', '+33 6', '-5', '@SUM(A1)', '\tcmd', '\rcmd', '\uFF1D1+1', 'plain', 'a=b'];
  const columns: ExportColumn[] = HOSTILE.map((_, i) => ({ name: `c${i}`, maxSize: 10 }));

  it('prefixes a quote to every formula-led cell in the delimited layout, by default', () => {
    const text = renderAll(createSerializer({ type: 'txt', layout: 'delimited', header: false }, columns), [HOSTILE]);
    expect(text.slice(0, -1).split('|')).toEqual(["'=1+1", "'+33 6", "'-5", "'@SUM(A1)", "'\tcmd", "' cmd", "'\uFF1D1+1", 'plain', 'a=b']);
  });

  it('prefixes a quote to every formula-led cell in the fixed layout, by default, within the width', () => {
    const text = renderAll(createSerializer({ type: 'txt', layout: 'fixed' }, columns), [HOSTILE]);
    expect(cut(text.slice(0, -1), columns.map(() => 10)).map((c) => c.trimEnd())).toEqual(["'=1+1", "'+33 6", "'-5", "'@SUM(A1)", "'\tcmd", "' cmd", "'\uFF1D1+1", 'plain', 'a=b']);
  });

  it.each(['fixed', 'delimited'] as const)('writes cells as they are in the %s layout when formulaGuard is false', (layout) => {
    const serializer = createSerializer({ type: 'txt', layout, header: false, delimiter: layout === 'delimited' ? ';' : undefined, formulaGuard: false }, columns);
    const text = renderAll(serializer, [HOSTILE]).slice(0, -1);
    const cells = layout === 'fixed' ? cut(text, columns.map(() => 10)).map((c) => c.trimEnd()) : text.split(';');
    expect(cells).toEqual(['=1+1', '+33 6', '-5', '@SUM(A1)', '\tcmd', ' cmd', '\uFF1D1+1', 'plain', 'a=b']);
  });
});
