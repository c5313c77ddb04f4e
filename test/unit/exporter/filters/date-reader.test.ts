import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { civilFromMillis, civilToMillis, daysFromCivil } from '../../../../exporter/filters/civil-date.js';
import { createDateReader } from '../../../../exporter/filters/date-reader.js';
import { createOffsetLookup } from '../../../../exporter/filters/zone-offset-cache.js';

/** Deterministic pseudo-random integers, so a failure can be replayed. */
function* randomIntegers(seed: number, min: number, max: number): Generator<number> {
  let state = seed;
  for (;;) {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    yield min + Math.floor((state / 2_147_483_648) * (max - min));
  }
}

function take<T>(source: Iterator<T>, count: number): T[] {
  return Array.from({ length: count }, () => source.next().value as T);
}

describe('civil date arithmetic', () => {
  it('agrees with Date on the UTC fields of instants from year 0 to 9999', () => {
    const instants = take(randomIntegers(7, -62_167_219_200_000, 253_402_300_799_000), 5000);
    for (const ms of [0, -1, 951_782_400_000, ...instants]) {
      const date = new Date(ms);
      expect(civilFromMillis(ms)).toEqual({
        year: date.getUTCFullYear(),
        month: date.getUTCMonth() + 1,
        day: date.getUTCDate(),
        hour: date.getUTCHours(),
        minute: date.getUTCMinutes(),
        second: date.getUTCSeconds(),
        millisecond: date.getUTCMilliseconds(),
      });
      expect(civilToMillis(civilFromMillis(ms))).toBe(ms);
    }
  });

  it('counts days from 1970-01-01, including leap days', () => {
    expect(daysFromCivil(1970, 1, 1)).toBe(0);
    expect(daysFromCivil(1969, 12, 31)).toBe(-1);
    expect(daysFromCivil(2000, 3, 1) - daysFromCivil(2000, 2, 28)).toBe(2);
    expect(daysFromCivil(1900, 3, 1) - daysFromCivil(1900, 2, 28)).toBe(1);
  });
});

describe('createOffsetLookup', () => {
  const zones = ['Europe/Paris', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'Pacific/Apia', 'UTC'];

  it.each(zones)('gives the offsets luxon gives in %s, 1900 to 2100, and again from its cache', (zone) => {
    const lookup = createOffsetLookup(zone);
    const instants = take(randomIntegers(zone.length, -2_208_988_800_000, 4_102_444_800_000), 3000);
    for (let pass = 0; pass < 2; pass++) {
      for (const ms of instants) {
        expect(lookup(ms)).toBe(DateTime.fromMillis(ms, { zone }).offset);
      }
    }
  });

  it('switches offset at the exact millisecond of a transition (Paris, 31 March 2024)', () => {
    const lookup = createOffsetLookup('Europe/Paris');
    const transition = Date.parse('2024-03-31T01:00:00Z');
    expect(lookup(transition - 1)).toBe(60);
    expect(lookup(transition)).toBe(120);
  });

  it('handles half-hour transitions inside an hour (Lord Howe, 7 April 2024)', () => {
    const lookup = createOffsetLookup('Australia/Lord_Howe');
    const transition = Date.parse('2024-04-06T15:00:00Z');
    expect(lookup(transition - 1)).toBe(660);
    expect(lookup(transition)).toBe(630);
  });
});

describe('createDateReader', () => {
  const paris = createDateReader('Europe/Paris');

  it('reads a plain date as a calendar date, whatever the zone', () => {
    for (const zone of ['Pacific/Kiritimati', 'Pacific/Pago_Pago', 'Europe/Paris']) {
      expect(createDateReader(zone).civil('1991-06-18')).toMatchObject({ year: 1991, month: 6, day: 18, hour: 0 });
    }
  });

  it('renders instants in the zone, across midnight and both DST changes', () => {
    expect(paris.civil('2024-06-30T22:30:00Z')).toMatchObject({ year: 2024, month: 7, day: 1, hour: 0, minute: 30 });
    expect(paris.civil(new Date('2024-12-31T23:30:00Z'))).toMatchObject({ year: 2025, month: 1, day: 1, hour: 0 });
    expect(paris.civil('2024-03-31T00:59:59Z')).toMatchObject({ hour: 1, minute: 59, second: 59 });
    expect(paris.civil('2024-03-31T01:00:00Z')).toMatchObject({ hour: 3, minute: 0, second: 0 });
    expect(paris.civil('2024-10-27T00:59:59Z')).toMatchObject({ hour: 2, minute: 59, second: 59 });
    expect(paris.civil('2024-10-27T01:00:00Z')).toMatchObject({ hour: 2, minute: 0, second: 0 });
  });

  it('reads offsets in every ISO 8601 spelling', () => {
    const expected = Date.parse('2024-06-18T08:20:30.250Z');
    for (const text of [
      '2024-06-18T10:20:30.250+02:00',
      '2024-06-18T10:20:30,25+0200',
      '2024-06-18 03:20:30.250-05',
      '20240618T082030.25Z',
      ' 2024-06-18t08:20:30.250z ',
    ]) {
      expect(paris.instant(text)).toBe(expected);
    }
  });

  it('reads a date-time without offset as wall-clock time in the zone', () => {
    expect(paris.civil('2024-06-30T23:30:00')).toMatchObject({ day: 30, hour: 23, minute: 30 });
    expect(paris.instant('2024-06-30T23:30:00')).toBe(Date.parse('2024-06-30T21:30:00Z'));
    expect(paris.instant('2024-01-15')).toBe(Date.parse('2024-01-14T23:00:00Z'));
  });

  it('moves a time skipped by DST forward and takes the earlier of a repeated time', () => {
    expect(paris.instant('2024-03-31T02:30:00')).toBe(Date.parse('2024-03-31T01:30:00Z'));
    expect(paris.instant('2024-10-27T02:30:00')).toBe(Date.parse('2024-10-27T00:30:00Z'));
    const newYork = createDateReader('America/New_York');
    expect(newYork.instant('2024-11-03T01:30:00')).toBe(Date.parse('2024-11-03T05:30:00Z'));
    expect(newYork.instant('2024-03-10T02:30:00')).toBe(Date.parse('2024-03-10T07:30:00Z'));
  });

  it('refuses what is not a date', () => {
    for (const value of [
      '',
      'abc',
      '2023-02-29',
      '2024-04-31',
      '2024-13-01',
      '2024-00-10',
      '2024-06-18T24:00:00',
      '2024-06-18T10:60',
      '2024-06-18T10:20:30+25:00',
      '2024-06-1810:20',
      '18/06/1991',
      '10:20',
      12_345,
      true,
      null,
      undefined,
      new Date(Number.NaN),
    ]) {
      expect(paris.civil(value)).toBeUndefined();
      expect(paris.instant(value)).toBeUndefined();
    }
  });

  it('accepts 29 February in leap years only', () => {
    expect(paris.civil('2024-02-29')).toMatchObject({ month: 2, day: 29 });
    expect(paris.civil('2000-02-29')).toMatchObject({ month: 2, day: 29 });
    expect(paris.civil('1900-02-29')).toBeUndefined();
  });
});
