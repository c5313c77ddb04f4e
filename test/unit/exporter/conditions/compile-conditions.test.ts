import { describe, expect, it } from 'vitest';
import type { FieldType } from '../../../../core/field-type.js';
import { compileConditions, type Condition, type ExportRow } from '../../../../exporter/conditions/index.js';
import { ValidationError } from '../../../../core/errors.js';

const FIELD_TYPES: Record<string, FieldType> = {
  email: 'text',
  city: 'text',
  is_optin: 'text',
  optin_level: 'number',
  score: 'number',
  winner: 'boolean',
  birth_date: 'date',
  created_at: 'datetime',
};

const paris = { timeZone: 'Europe/Paris' };

function keep(conditions: Condition[], timeZone = 'Europe/Paris') {
  return compileConditions(conditions, FIELD_TYPES, { timeZone });
}

function matching(conditions: Condition[], rows: ExportRow[]): number[] {
  const predicate = keep(conditions);
  return rows.flatMap((row, index) => (predicate(row) ? [index] : []));
}

describe('compileConditions', () => {
  it('lets every row through when there is no condition', () => {
    const predicate = compileConditions([], FIELD_TYPES, paris);
    expect(predicate({})).toBe(true);
    expect(predicate({ email: null })).toBe(true);
  });

  it('keeps the winners who opted in (all conditions ANDed)', () => {
    const rows: ExportRow[] = [
      { email: 'a@example.com', is_optin: '1', winner: true },
      { email: 'b@example.com', is_optin: '2', winner: 'oui' },
      { email: 'c@example.com', is_optin: '0', winner: true },
      { email: 'd@example.com', is_optin: '1', winner: false },
      { email: 'e@example.com', is_optin: null, winner: true },
      { email: 'f@example.com', is_optin: '12', winner: true },
      { email: 'g@example.com', is_optin: 1, winner: 1 },
    ];
    const conditions: Condition[] = [
      { field: 'is_optin', operator: 'in_list', value: ['1', '2'] },
      { field: 'winner', operator: 'equals', value: 'true' },
    ];
    expect(matching(conditions, rows)).toEqual([0, 1, 6]);
  });

  it('compares an in_list on a number field numerically', () => {
    const rows: ExportRow[] = [{ optin_level: 1 }, { optin_level: '2' }, { optin_level: '2.0' }, { optin_level: 3 }, {}];
    expect(matching([{ field: 'optin_level', operator: 'in_list', value: ['1', '2'] }], rows)).toEqual([0, 1, 2]);
  });

  it('compares numbers as numbers, not as text', () => {
    const rows: ExportRow[] = [{ score: 9 }, { score: '10' }, { score: 100 }, { score: 'abc' }, { score: null }];
    expect(matching([{ field: 'score', operator: 'greater_than', value: '9' }], rows)).toEqual([1, 2]);
    expect(matching([{ field: 'score', operator: 'less_than', value: 10 }], rows)).toEqual([0]);
    expect(matching([{ field: 'score', operator: 'equals', value: 10 }], rows)).toEqual([1]);
    expect(matching([{ field: 'score', operator: 'not_equals', value: 10 }], rows)).toEqual([0, 2, 3, 4]);
  });

  it('compares text exactly for equals and ignoring case for contains', () => {
    const rows: ExportRow[] = [{ city: 'Paris' }, { city: 'paris' }, { city: 'Cormeilles-en-Parisis' }, { city: null }, { city: 75 }];
    expect(matching([{ field: 'city', operator: 'equals', value: 'Paris' }], rows)).toEqual([0]);
    expect(matching([{ field: 'city', operator: 'not_equals', value: 'Paris' }], rows)).toEqual([1, 2, 3, 4]);
    expect(matching([{ field: 'city', operator: 'contains', value: 'PARIS' }], rows)).toEqual([0, 1, 2]);
    expect(matching([{ field: 'city', operator: 'equals', value: 75 }], rows)).toEqual([4]);
  });

  it('tells empty values from present ones, zero and false included', () => {
    const rows: ExportRow[] = [{ score: null }, {}, { score: '  ' }, { score: 0 }, { score: '0' }, { winner: false }];
    expect(matching([{ field: 'score', operator: 'empty' }], rows)).toEqual([0, 1, 2, 5]);
    expect(matching([{ field: 'score', operator: 'not_empty' }], rows)).toEqual([3, 4]);
    expect(matching([{ field: 'winner', operator: 'not_empty' }], rows)).toEqual([5]);
  });

  it('compares date-times as instants, whatever their spelling', () => {
    const rows: ExportRow[] = [
      { created_at: new Date('2024-06-17T21:59:59Z') },
      { created_at: '2024-06-18T00:00:00+02:00' },
      { created_at: '2024-06-18T12:00:00Z' },
      { created_at: 'not a date' },
      { created_at: null },
    ];
    const midnightInParis = '2024-06-18';
    expect(matching([{ field: 'created_at', operator: 'before', value: midnightInParis }], rows)).toEqual([0]);
    expect(matching([{ field: 'created_at', operator: 'after', value: midnightInParis }], rows)).toEqual([2]);
    expect(matching([{ field: 'created_at', operator: 'equals', value: '2024-06-17T22:00:00Z' }], rows)).toEqual([1]);
    expect(matching([{ field: 'created_at', operator: 'greater_than', value: '2024-06-17T23:59:59+02:00' }], rows)).toEqual([1, 2]);
  });

  it('reads plain dates in the export time zone', () => {
    const row = { created_at: '2024-06-17T22:30:00Z' };
    const afterMidnight = (timeZone: string) =>
      keep([{ field: 'created_at', operator: 'after', value: '2024-06-18' }], timeZone)(row);
    expect(afterMidnight('Europe/Paris')).toBe(true);
    expect(afterMidnight('UTC')).toBe(false);
  });

  it('compares date fields as calendar days', () => {
    const rows: ExportRow[] = [
      { birth_date: '1991-06-17' },
      { birth_date: '1991-06-18' },
      { birth_date: new Date('1991-06-17T22:30:00Z') },
      { birth_date: '1991-06-19' },
    ];
    expect(matching([{ field: 'birth_date', operator: 'equals', value: '1991-06-18' }], rows)).toEqual([1, 2]);
    expect(matching([{ field: 'birth_date', operator: 'before', value: '1991-06-18' }], rows)).toEqual([0]);
    expect(matching([{ field: 'birth_date', operator: 'after', value: '1991-06-18' }], rows)).toEqual([3]);
    expect(matching([{ field: 'birth_date', operator: 'less_than', value: '1991-06-19' }], rows)).toEqual([0, 1, 2]);
  });

  it('reads booleans by meaning', () => {
    const rows: ExportRow[] = [{ winner: true }, { winner: 'Oui' }, { winner: 'no' }, { winner: 0 }, { winner: 'maybe' }, {}];
    expect(matching([{ field: 'winner', operator: 'equals', value: 'yes' }], rows)).toEqual([0, 1]);
    expect(matching([{ field: 'winner', operator: 'equals', value: '0' }], rows)).toEqual([2, 3]);
  });

  it('validates the conditions before compiling them', () => {
    expect(() => keep([{ field: 'unknown', operator: 'empty' }])).toThrow(ValidationError);
    expect(() => keep([{ field: 'city', operator: 'before', value: '2024-01-01' }])).toThrow(ValidationError);
  });

  it('refuses an unknown time zone', () => {
    expect(() => keep([], 'Nowhere/City')).toThrow(ValidationError);
  });

  it('is not affected by later changes to the condition objects', () => {
    const list = ['1'];
    const condition: { field: string; operator: 'in_list'; value: string[] } = { field: 'is_optin', operator: 'in_list', value: list };
    const predicate = keep([condition]);
    list.push('2');
    condition.field = 'city';
    expect(predicate({ is_optin: '2', city: '1' })).toBe(false);
    expect(predicate({ is_optin: '1' })).toBe(true);
  });
});
