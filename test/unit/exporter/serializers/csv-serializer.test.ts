import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { guardFormula } from '../../../../exporter/serializers/csv-serializer.js';
import type { CsvFormatOptions } from '../../../../exporter/serializers/format-options.js';
import { createSerializer } from '../../../../exporter/serializers/serializer-factory.js';
import { expectGolden, renderAll } from './golden-file.js';
import { TRICKY_COLUMNS, TRICKY_ROWS } from './tricky-rows.js';

const header = TRICKY_COLUMNS.map((c) => c.name);

/** Parses CSV text back with csv-parse, the reference reader. */
function parseBack(text: string, options: CsvFormatOptions): string[][] {
  return parse(text, {
    delimiter: options.delimiter ?? ',',
    quote: options.quote ?? '"',
    escape: options.quote ?? '"',
    bom: true,
    relax_column_count: false,
  }) as string[][];
}

/** The guard written independently of the implementation: these first characters get a `'`. */
function guarded(cell: string): string {
  return ['=', '+', '-', '@', '\t', '\r', '＝', '＋', '－', '＠'].includes(cell.charAt(0)) ? `'${cell}` : cell;
}

/** Tiny deterministic generator, so a failing random case can be replayed. */
function lcg(seed: number): () => number {
  let state = seed;
  return () => (state = (state * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
}

describe('CSV serializer', () => {
  it('writes the tricky fixture exactly as the golden file (defaults: comma, CRLF, header, guard on)', async () => {
    const text = renderAll(createSerializer({ type: 'csv' }, TRICKY_COLUMNS), TRICKY_ROWS);
    await expectGolden('tricky.csv', text);
  });

  it('reads back through csv-parse as the source values when the guard is off', () => {
    const options: CsvFormatOptions = { type: 'csv', formulaGuard: false };
    const text = renderAll(createSerializer(options, TRICKY_COLUMNS), TRICKY_ROWS);
    expect(parseBack(text, options)).toEqual([header, ...TRICKY_ROWS]);
  });

  it("reads back with a leading ' on every formula-like cell when the guard is on (default)", () => {
    const options: CsvFormatOptions = { type: 'csv' };
    const text = renderAll(createSerializer(options, TRICKY_COLUMNS), TRICKY_ROWS);
    const parsed = parseBack(text, options);
    expect(parsed).toEqual([header, ...TRICKY_ROWS].map((row) => row.map(guarded)));
    expect(parsed.slice(1).map((row) => row[4])).toEqual([
      "'=SUM(A1:A2)",
      "'+33 6 12 34 56 78",
      "'-5",
      "'@handle",
      "'\ttabbed",
      "'\rcarriage",
      "'＝1+1",
      '',
    ]);
  });

  it.each<CsvFormatOptions>([
    { type: 'csv', delimiter: ';' },
    { type: 'csv', delimiter: '\t', lineEnding: '\n' },
    { type: 'csv', delimiter: '|', quote: "'" },
    { type: 'csv', quote: "'", formulaGuard: false, bom: true },
  ])('round-trips through csv-parse with %j', (options) => {
    const text = renderAll(createSerializer(options, TRICKY_COLUMNS), TRICKY_ROWS);
    const expected = [header, ...TRICKY_ROWS].map((row) => (options.formulaGuard === false ? row : row.map(guarded)));
    expect(parseBack(text, options)).toEqual(expected);
  });

  it('round-trips 2,000 random rows built from delimiters, quotes, line breaks and emoji', () => {
    const alphabet = [',', ';', '\t', '|', '"', "'", '\r', '\n', '\r\n', ' ', 'a', 'é', '🎉', '=', '-'];
    const random = lcg(42);
    const columns = [{ name: 'a' }, { name: 'b' }, { name: 'c' }];
    const rows = Array.from({ length: 2_000 }, () =>
      columns.map(() =>
        Array.from({ length: Math.floor(random() * 6) }, () => alphabet[Math.floor(random() * alphabet.length)]).join(''),
      ),
    );
    for (const delimiter of [',', ';', '\t', '|'] as const) {
      const options: CsvFormatOptions = { type: 'csv', delimiter, formulaGuard: false, header: false };
      const text = renderAll(createSerializer(options, columns), rows);
      expect(parseBack(text, options)).toEqual(rows);
    }
  });

  it('honours header off, LF line endings and the BOM', () => {
    const columns = [{ name: 'a' }, { name: 'b' }];
    const plain = createSerializer({ type: 'csv', header: false, lineEnding: '\n' }, columns);
    expect(renderAll(plain, [['1', '2']])).toBe('1,2\n');
    const withBom = createSerializer({ type: 'csv', bom: true }, columns);
    expect(renderAll(withBom, [['1', '2']])).toBe('\uFEFFa,b\r\n1,2\r\n');
  });

  it('quotes a lone empty cell so a one-column file keeps its empty rows (not skipped as blank lines)', () => {
    const options: CsvFormatOptions = { type: 'csv' };
    const text = renderAll(createSerializer(options, [{ name: 'only' }]), [['x'], [''], ['y']]);
    expect(text).toBe('only\r\nx\r\n""\r\ny\r\n');
    expect(parse(text, { skip_empty_lines: true })).toEqual([['only'], ['x'], [''], ['y']]);
  });

  it('guards only the first character, and leaves the empty cell alone', () => {
    expect(guardFormula('a=b')).toBe('a=b');
    expect(guardFormula('')).toBe('');
    expect(guardFormula('-')).toBe("'-");
  });
});
