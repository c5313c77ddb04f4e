import { describe, expect, it } from 'vitest';
import { compileFilter } from '../../../../exporter/filters/index.js';

const ctx = { timeZone: 'Europe/Paris', locale: 'fr', now: new Date('2025-01-01T00:00:00Z') } as const;
const e164 = await compileFilter('phone_e164', ctx);
const tenDigits = await compileFilter('phone_fr_10_digits', ctx);

describe('phone filters on French numbers', () => {
  it.each([
    ['06 12 34 56 78', '+33612345678', '0612345678'],
    ['06.12.34.56.78', '+33612345678', '0612345678'],
    ['0612345678', '+33612345678', '0612345678'],
    ['+33 6 12 34 56 78', '+33612345678', '0612345678'],
    ['+33 (0)6 12 34 56 78', '+33612345678', '0612345678'],
    ['0033 6 12 34 56 78', '+33612345678', '0612345678'],
    ['01 45 67 89 10', '+33145678910', '0145678910'],
    ['+33 1 45 67 89 10', '+33145678910', '0145678910'],
  ])('%s gives %s and %s', (input, international, national) => {
    expect(e164(input)).toBe(international);
    expect(tenDigits(input)).toBe(national);
  });

  it('keep numbers of the overseas departments, written either way', () => {
    expect(e164('+262 692 12 34 56')).toBe('+262692123456');
    expect(tenDigits('+262 692 12 34 56')).toBe('0692123456');
    expect(e164('0692 12 34 56')).toBe('+262692123456');
    expect(tenDigits('0692 12 34 56')).toBe('0692123456');
    expect(e164('0590 12 34 56')).toBe('+590590123456');
  });
});

describe('phone filters on other countries', () => {
  it.each([
    ['+44 20 7946 0958', '+442079460958'],
    ['+44 7911 123456', '+447911123456'],
    ['+1 202 456 1111', '+12024561111'],
    ['001 202 456 1111', '+12024561111'],
  ])('%s keeps its country in E.164 and has no 10-digit French form', (input, international) => {
    expect(e164(input)).toBe(international);
    expect(tenDigits(input)).toBe('');
  });
});

describe('phone filters on invalid input', () => {
  it.each([
    ['garbage', 'abc'],
    ['too short', '06 12'],
    ['too long', '06 12 34 56 78 9'],
    ['an unassigned French range', '07 00 00 00 00'],
    ['an invalid British number', '+44 12'],
    ['a British number in a reserved drama range', '+44 7700 900123'],
    ['text around a number', 'tel 0612345678 please'],
    ['empty', ''],
    ['blank', '   '],
    ['null', null],
    ['undefined', undefined],
  ])('%s gives nothing', (_label, input) => {
    expect(e164(input)).toBe('');
    expect(tenDigits(input)).toBe('');
  });
});
