import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../../core/errors.js';
import { parseFileNamePattern, validateFileNamePattern } from '../../../../exporter/file-name/file-name-pattern.js';

/** The error `validateFileNamePattern` throws for a pattern (fails the test when it does not throw). */
function refusal(pattern: unknown): ValidationError {
  try {
    validateFileNamePattern(pattern, '/exports/0/fileNamePattern');
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return error as ValidationError;
  }
  throw new Error('pattern was accepted');
}

describe('validateFileNamePattern', () => {
  it.each([
    '{export}_{date:YYYYMMDD}_{run}.{ext}',
    '{flow}-{date:YYYY-MM-DD_HH.mm.ss}-{time}',
    'leads_{date}',
    '{date:YY}{date:MM}{date:DD}',
    'static-name.csv',
    'x'.repeat(200),
  ])('accepts %s', (pattern) => {
    expect(validateFileNamePattern(pattern, '/p')).toBe(pattern);
  });

  it.each([
    ['an unknown placeholder', '{export}_{day}', /Unknown placeholder/],
    ['an unknown placeholder that differs only by case', '{EXPORT}', /Unknown placeholder/],
    ['a format on a placeholder that takes none', '{export:upper}', /takes no format/],
    ['an unknown date token', '{date:YYYYQQ}', /Date format/],
    ['a date format without tokens', '{date:-}', /Date format/],
    ['an empty date format', '{date:}', /Date format/],
    ['a lone opening brace', 'leads_{date', /Unbalanced/],
    ['a lone closing brace', 'leads_date}', /Unbalanced/],
    ['nested braces', '{date:{YYYY}}', /Unbalanced/],
    ['empty braces', 'a{}b', /Unknown placeholder/],
    ['a slash', 'out/{export}', /separator/],
    ['a backslash', 'out\\{export}', /separator/],
    ['..', '{export}..{ext}', /\.\./],
    ['a leading dot', '.{export}', /dot/],
    ['a NUL', 'a\u0000b', /control/],
    ['a newline', 'a\nb', /control/],
    ['a C1 control', 'a\u0085b', /control/],
    ['201 characters', 'x'.repeat(201), /at most 200/],
    ['an empty pattern', '', /empty/],
  ])('refuses %s, naming the path', (_case, pattern, message) => {
    const error = refusal(pattern);
    expect(error.path).toBe('/exports/0/fileNamePattern');
    expect(error.message).toMatch(message);
  });

  it('refuses a value that is not a string', () => {
    expect(refusal(42).message).toMatch(/string/);
  });

  it('counts the 200-character limit in code points, not UTF-16 units', () => {
    expect(validateFileNamePattern('🎉'.repeat(200), '/p')).toHaveLength(400);
    expect(refusal('🎉'.repeat(201)).message).toMatch(/at most 200/);
  });

  it('says where a bad placeholder is without quoting the pattern', () => {
    const error = refusal('Jane.Doe_{secret}');
    expect(error.details).toEqual({ position: 9 });
    expect(error.message).not.toContain('secret');
    expect(error.message).not.toContain('Jane');
  });
});

describe('parseFileNamePattern', () => {
  it('splits text and placeholders; {time} is the date format HHmmss and {date} defaults to YYYYMMDD', () => {
    expect(parseFileNamePattern('a{export}-{time}{date}.{ext}', '/p')).toEqual([
      { kind: 'text', text: 'a' },
      { kind: 'export' },
      { kind: 'text', text: '-' },
      { kind: 'date', format: [{ token: 'HH' }, { token: 'mm' }, { token: 'ss' }] },
      { kind: 'date', format: [{ token: 'YYYY' }, { token: 'MM' }, { token: 'DD' }] },
      { kind: 'text', text: '.' },
      { kind: 'ext' },
    ]);
  });
});
