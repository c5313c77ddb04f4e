import { describe, expect, it } from 'vitest';
import {
  applyFieldParameters,
  codePointLength,
  compileFieldParameters,
  truncateCodePoints,
  type FieldParameters,
} from '../../../../exporter/field-parameters/index.js';

const CLEF = '𝄞'; // one code point, two UTF-16 units

describe('code points', () => {
  it('counts a surrogate pair as one and a lone surrogate as one', () => {
    expect(codePointLength('')).toBe(0);
    expect(codePointLength('abc')).toBe(3);
    expect(codePointLength(`a${CLEF}b`)).toBe(3);
    expect(codePointLength(`${CLEF}${CLEF}`)).toBe(2);
    expect(codePointLength('\ud834x')).toBe(2);
    expect(codePointLength('x\udd1e')).toBe(2);
  });

  it('truncates without splitting a surrogate pair', () => {
    expect(truncateCodePoints(`${CLEF}${CLEF}${CLEF}`, 2)).toBe(`${CLEF}${CLEF}`);
    expect(truncateCodePoints(`ab${CLEF}cd`, 3)).toBe(`ab${CLEF}`);
    expect(truncateCodePoints(`ab${CLEF}`, 3)).toBe(`ab${CLEF}`);
    expect(truncateCodePoints('abcdef', 0)).toBe('');
    expect(truncateCodePoints('abc', 5)).toBe('abc');
  });
});

describe('applyFieldParameters', () => {
  const column = 'c';

  it('leaves a value alone when no parameter applies', () => {
    expect(applyFieldParameters('  x ', { column })).toBe('  x ');
    expect(applyFieldParameters('', { column })).toBe('');
  });

  it('writes the default for an empty or blank value only', () => {
    const params = { column, defaultValue: 'N/A' };
    expect(applyFieldParameters('', params)).toBe('N/A');
    expect(applyFieldParameters('  ', params)).toBe('N/A');
    expect(applyFieldParameters('0', params)).toBe('0');
  });

  it('cuts long values to maxSize code points', () => {
    expect(applyFieldParameters('Élodie Dupont', { column, maxSize: 6 })).toBe('Élodie');
    expect(applyFieldParameters(`${CLEF}${CLEF}${CLEF}`, { column, maxSize: 2 })).toBe(`${CLEF}${CLEF}`);
    expect(applyFieldParameters('abc', { column, maxSize: 3 })).toBe('abc');
  });

  it('pads short values to minSize code points', () => {
    expect(applyFieldParameters('ab', { column, minSize: 5 })).toBe('ab   ');
    expect(applyFieldParameters('42', { column, minSize: 5, padChar: '0' })).toBe('00042');
    expect(applyFieldParameters('42', { column, minSize: 5, padChar: ' ', padSide: 'left' })).toBe('   42');
    expect(applyFieldParameters('42', { column, minSize: 5, padChar: '0', padSide: 'right' })).toBe('42000');
    expect(applyFieldParameters(CLEF, { column, minSize: 2 })).toBe(`${CLEF} `);
    expect(applyFieldParameters('abcdef', { column, minSize: 3 })).toBe('abcdef');
    expect(applyFieldParameters('', { column, minSize: 3, padChar: '0' })).toBe('000');
  });

  it('applies default, then truncation, then padding', () => {
    const params: FieldParameters = { column, defaultValue: 'UNKNOWN', maxSize: 4, minSize: 4, padChar: '0' };
    expect(applyFieldParameters('', params)).toBe('UNKN');
    expect(applyFieldParameters('123456', params)).toBe('1234');
    expect(applyFieldParameters('7', params)).toBe('0007');
    const fixedWidth: FieldParameters = { column, defaultValue: '-', minSize: 3, maxSize: 3 };
    expect(applyFieldParameters('', fixedWidth)).toBe('-  ');
  });
});

describe('compileFieldParameters', () => {
  it('gives the same results as applyFieldParameters', () => {
    const cases: FieldParameters[] = [
      { column: 'a' },
      { column: 'a', defaultValue: 'd' },
      { column: 'a', maxSize: 2 },
      { column: 'a', minSize: 4, padChar: '0' },
      { column: 'a', defaultValue: 'x', maxSize: 3, minSize: 3, padSide: 'left' },
    ];
    for (const params of cases) {
      const compiled = compileFieldParameters(params);
      for (const value of ['', ' ', 'a', 'abcdef', CLEF.repeat(5)]) {
        expect(compiled(value)).toBe(applyFieldParameters(value, params));
      }
    }
  });

  it('is not affected by later changes to the parameters object', () => {
    const params = { column: 'a', maxSize: 2 };
    const compiled = compileFieldParameters(params);
    params.maxSize = 10;
    expect(compiled('abcdef')).toBe('ab');
  });
});
