import { describe, expect, it } from 'vitest';
import { compileFilter } from '../../../../exporter/filters/index.js';

const ctx = { timeZone: 'Europe/Paris', locale: 'fr', now: new Date('2025-01-01T00:00:00Z') } as const;
const trueFalse = await compileFilter('true_false', ctx);
const presence = await compileFilter('presence_flag', ctx);
const oneZero = await compileFilter('one_zero', ctx);

describe('true_false filter', () => {
  it.each(['1', 'true', 'TRUE', 'True', 'yes', 'YES', 'oui', 'Oui', 'on', 'ON', 'y', 'Y', ' yes '])('reads %j as true', (value) => {
    expect(trueFalse(value)).toBe('true');
  });

  it.each(['0', 'false', 'FALSE', 'no', 'No', 'non', 'NON', 'off', 'Off', 'n', 'N', ' 0 ', 'f'])('reads %j as false', (value) => {
    expect(trueFalse(value)).toBe('false');
  });

  it('reads empty values as false and any other text as true', () => {
    for (const value of ['', '   ', null, undefined]) expect(trueFalse(value)).toBe('false');
    for (const value of ['maybe', 'nope', '2', 'x']) expect(trueFalse(value)).toBe('true');
  });

  it('maps booleans and numbers', () => {
    expect(trueFalse(true)).toBe('true');
    expect(trueFalse(false)).toBe('false');
    expect(trueFalse(0)).toBe('false');
    expect(trueFalse(1)).toBe('true');
    expect(trueFalse(2)).toBe('true');
  });
});

describe('presence_flag filter', () => {
  it('gives 0 for empty values', () => {
    for (const value of ['', '  \t', null, undefined, Number.NaN, new Date(Number.NaN)]) expect(presence(value)).toBe('0');
  });

  it('gives 1 for any present value, even a false or zero one', () => {
    for (const value of ['x', '0', 0, false, new Date('2024-01-01T00:00:00Z')]) expect(presence(value)).toBe('1');
  });
});

describe('one_zero filter', () => {
  it('reads values as true_false does, and writes 1 or 0', () => {
    for (const value of ['1', 'true', 'Oui', ' yes ', 'maybe', true, 1, 2]) expect([value, oneZero(value)]).toEqual([value, '1']);
    for (const value of ['0', 'false', 'NON', 'off', 'n', '', '  ', null, undefined, false, 0]) expect([value, oneZero(value)]).toEqual([value, '0']);
  });
});
