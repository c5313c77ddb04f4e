import { describe, expect, it } from 'vitest';
import { compileFilter } from '../../../../exporter/filters/index.js';

function ageAt(now: string, timeZone = 'Europe/Paris') {
  return compileFilter('age', { timeZone, locale: 'fr', now: new Date(now) });
}

describe('age filter', () => {
  it('counts whole years, the birthday itself included', async () => {
    expect((await ageAt('2025-06-17T12:00:00Z'))('1991-06-18')).toBe('33');
    expect((await ageAt('2025-06-18T12:00:00Z'))('1991-06-18')).toBe('34');
    expect((await ageAt('2025-12-31T12:00:00Z'))('1991-06-18')).toBe('34');
  });

  it('takes "today" in the export time zone', async () => {
    const parisJustAfterMidnight = '2025-06-17T22:30:00Z';
    expect((await ageAt(parisJustAfterMidnight, 'Europe/Paris'))('1991-06-18')).toBe('34');
    expect((await ageAt(parisJustAfterMidnight, 'UTC'))('1991-06-18')).toBe('33');
  });

  it('takes the birth day of an instant in the export time zone', async () => {
    const bornJustAfterMidnightInParis = new Date('1991-06-17T22:30:00Z');
    const noonOn17June = '2025-06-17T12:00:00Z';
    expect((await ageAt(noonOn17June, 'Europe/Paris'))(bornJustAfterMidnightInParis)).toBe('33');
    expect((await ageAt(noonOn17June, 'UTC'))(bornJustAfterMidnightInParis)).toBe('34');
    expect((await ageAt(noonOn17June, 'Europe/Paris'))('1991-06-17T22:30:00Z')).toBe('33');
  });

  it('reaches a 29 February birthday on 1 March in years without 29 February', async () => {
    expect((await ageAt('2023-02-28T12:00:00Z'))('2004-02-29')).toBe('18');
    expect((await ageAt('2023-03-01T12:00:00Z'))('2004-02-29')).toBe('19');
    expect((await ageAt('2024-02-28T12:00:00Z'))('2004-02-29')).toBe('19');
    expect((await ageAt('2024-02-29T12:00:00Z'))('2004-02-29')).toBe('20');
  });

  it('gives 0 on the day of birth and nothing for a birth date in the future', async () => {
    const age = await ageAt('2025-06-18T12:00:00Z');
    expect(age('2025-06-18')).toBe('0');
    expect(age('2025-06-19')).toBe('');
    expect(age('2030-01-01')).toBe('');
  });

  it('gives nothing for empty or unreadable values', async () => {
    const age = await ageAt('2025-06-18T12:00:00Z');
    for (const value of ['', '   ', null, undefined, 'abc', '1991-02-30', '18/06/1991', 42, true, new Date(Number.NaN)]) {
      expect(age(value)).toBe('');
    }
  });
});
