import { describe, expect, it } from 'vitest';
import { compileFilter, type FilterId } from '../../../../exporter/filters/index.js';

function dateFilter(id: FilterId, timeZone = 'Europe/Paris') {
  return compileFilter(id, { timeZone, locale: 'fr', now: new Date('2025-01-01T00:00:00Z') });
}

const ddmmyyyy = await dateFilter('date_ddmmyyyy');
const sqlDateTime = await dateFilter('datetime_yyyy_mm_dd_hh_mi_ss');
const isoDate = await dateFilter('date_yyyy_mm_dd');
const compactDate = await dateFilter('date_yyyymmdd');

describe('date format filters', () => {
  it('write 18 June 1991 in each format', () => {
    expect(ddmmyyyy('1991-06-18')).toBe('18061991');
    expect(sqlDateTime('1991-06-18')).toBe('1991-06-18 00:00:00');
    expect(isoDate('1991-06-18')).toBe('1991-06-18');
    expect(compactDate('1991-06-18')).toBe('19910618');
  });

  it('write the time of an instant in the export zone, on a 24-hour clock', () => {
    expect(sqlDateTime('1991-06-18T12:05:09Z')).toBe('1991-06-18 14:05:09');
    expect(sqlDateTime(new Date('1991-06-18T21:59:59.999Z'))).toBe('1991-06-18 23:59:59');
  });

  it('move an instant to the next day when it is past midnight in Paris', async () => {
    const summer = new Date('2024-06-30T22:30:00Z');
    expect(ddmmyyyy(summer)).toBe('01072024');
    expect(isoDate('2024-06-30T22:30:00Z')).toBe('2024-07-01');
    expect(compactDate('2024-12-31T23:30:00Z')).toBe('20250101');
    expect(compactDate('2024-12-31T22:59:59Z')).toBe('20241231');
    expect((await dateFilter('date_yyyymmdd', 'UTC'))('2024-12-31T23:30:00Z')).toBe('20241231');
  });

  it('follow daylight saving time changes in Paris', () => {
    expect(sqlDateTime('2024-03-31T00:59:59Z')).toBe('2024-03-31 01:59:59');
    expect(sqlDateTime('2024-03-31T01:00:00Z')).toBe('2024-03-31 03:00:00');
    expect(sqlDateTime('2024-10-27T00:30:00Z')).toBe('2024-10-27 02:30:00');
    expect(sqlDateTime('2024-10-27T01:30:00Z')).toBe('2024-10-27 02:30:00');
    expect(sqlDateTime('2024-10-27T02:00:00Z')).toBe('2024-10-27 03:00:00');
  });

  it('convert a string with an offset into the export zone', () => {
    expect(sqlDateTime('2024-06-18T10:20:30-05:00')).toBe('2024-06-18 17:20:30');
    expect(ddmmyyyy('2024-06-18T23:30:00-05:00')).toBe('19062024');
  });

  it('keep a date-time without offset as written', () => {
    expect(sqlDateTime('2024-06-18T23:30:00')).toBe('2024-06-18 23:30:00');
    expect(sqlDateTime('2024-06-18 23:30')).toBe('2024-06-18 23:30:00');
  });

  it('never shift a plain date, even in zones far from UTC', async () => {
    for (const zone of ['Pacific/Kiritimati', 'Pacific/Pago_Pago', 'America/Los_Angeles']) {
      expect((await dateFilter('date_ddmmyyyy', zone))('1991-06-18')).toBe('18061991');
    }
  });

  it('pad small years and refuse years beyond 9999', () => {
    expect(isoDate('0042-01-05')).toBe('0042-01-05');
    expect(isoDate(new Date('+010000-01-01T12:00:00Z'))).toBe('');
  });

  it('give nothing for empty or unreadable values', () => {
    for (const value of ['', '  ', null, undefined, 'abc', '2023-02-29', '31/12/2024', 20_240_618, false, new Date(Number.NaN)]) {
      expect(ddmmyyyy(value)).toBe('');
      expect(sqlDateTime(value)).toBe('');
      expect(isoDate(value)).toBe('');
      expect(compactDate(value)).toBe('');
    }
  });
});
