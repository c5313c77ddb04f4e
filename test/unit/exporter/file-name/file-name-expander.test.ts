import { describe, expect, it } from 'vitest';
import { ConfigError, ValidationError } from '../../../../core/errors.js';
import { expandFileName, type FileNameValues } from '../../../../exporter/file-name/file-name-expander.js';
import { sanitizeFileNameValue } from '../../../../exporter/file-name/file-name-rules.js';

const BASE: FileNameValues = {
  exportName: 'Leads',
  flowName: 'Summer promo',
  now: new Date('2024-07-01T22:30:45Z'),
  timeZone: 'UTC',
  run: 42,
  extension: 'csv',
};

const expand = (pattern: string, values: Partial<FileNameValues> = {}): string =>
  expandFileName(pattern, { ...BASE, ...values });

/** The error expandFileName throws (fails the test when it does not throw). */
function failure(pattern: string, values: Partial<FileNameValues> = {}): unknown {
  try {
    expand(pattern, values);
  } catch (error) {
    return error;
  }
  throw new Error('expansion succeeded');
}

describe('expandFileName: placeholders', () => {
  it('replaces every placeholder', () => {
    expect(expand('{export}_{flow}_{date:YYYY-MM-DD}_{time}_{run}.{ext}')).toBe(
      'Leads_Summer promo_2024-07-01_223045_42.csv',
    );
  });

  it('renders every date token', () => {
    expect(expand('{date:YYYY}|{date:YY}|{date:MM}|{date:DD}|{date:HH}|{date:mm}|{date:ss}'.replaceAll('|', '_'))).toBe(
      '2024_24_07_01_22_30_45.csv',
    );
    expect(expand('{date}', { now: new Date('2009-01-02T03:04:05Z') })).toBe('20090102.csv');
  });

  it('pads the year to four digits', () => {
    expect(expand('{date:YYYY}-{date:YY}', { now: new Date('0099-03-04T00:00:00Z') })).toBe('0099-99.csv');
  });
});

describe('expandFileName: time zones and DST', () => {
  it('writes the date in the given zone, not in UTC', () => {
    expect(expand('{date:YYYYMMDD}_{time}', { timeZone: 'Europe/Paris' })).toBe('20240702_003045.csv');
    expect(expand('{date:YYYYMMDD}_{time}', { timeZone: 'America/Los_Angeles' })).toBe('20240701_153045.csv');
    expect(expand('{time}', { timeZone: 'Asia/Kolkata' })).toBe('040045.csv');
  });

  it('jumps over the missing hour when Paris springs forward (2024-03-31)', () => {
    expect(expand('{time}', { timeZone: 'Europe/Paris', now: new Date('2024-03-31T00:59:59Z') })).toBe('015959.csv');
    expect(expand('{time}', { timeZone: 'Europe/Paris', now: new Date('2024-03-31T01:00:00Z') })).toBe('030000.csv');
  });

  it('shows the repeated hour twice when Paris falls back (2024-10-27)', () => {
    expect(expand('{time}', { timeZone: 'Europe/Paris', now: new Date('2024-10-27T00:30:00Z') })).toBe('023000.csv');
    expect(expand('{time}', { timeZone: 'Europe/Paris', now: new Date('2024-10-27T01:30:00Z') })).toBe('023000.csv');
  });

  it('follows the southern-hemisphere DST of Auckland across the date line', () => {
    // On 2024-04-07 at 03:00 NZDT (14:00Z on the 6th) clocks go back to 02:00 NZST, so 13:30Z
    // (02:30 NZDT) and 14:30Z (02:30 NZST) show the same wall time, a calendar day ahead of UTC.
    expect(expand('{date:YYYYMMDD}_{time}', { timeZone: 'Pacific/Auckland', now: new Date('2024-04-06T13:30:00Z') })).toBe(
      '20240407_023000.csv',
    );
    expect(expand('{date:YYYYMMDD}_{time}', { timeZone: 'Pacific/Auckland', now: new Date('2024-04-06T14:30:00Z') })).toBe(
      '20240407_023000.csv',
    );
  });

  it('refuses an unknown time zone with a ConfigError at /timeZone', () => {
    const error = failure('{date}', { timeZone: 'Mars/Olympus' });
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({ path: '/timeZone' });
  });
});

describe('expandFileName: extension', () => {
  it('appends .<extension> when the pattern has no {ext}', () => {
    expect(expand('{export}')).toBe('Leads.csv');
    expect(expand('{export}', { extension: 'csv.gpg' })).toBe('Leads.csv.gpg');
  });

  it('does not append it again when the pattern already ends with it (any case)', () => {
    expect(expand('{export}.csv')).toBe('Leads.csv');
    expect(expand('{export}.CSV')).toBe('Leads.CSV');
    expect(expand('{export}.csv', { extension: 'csv.gpg' })).toBe('Leads.csv.csv.gpg');
  });

  it('uses {ext} where the pattern puts it, and appends nothing', () => {
    expect(expand('{ext}-{export}')).toBe('csv-Leads');
  });

  it('refuses an extension with separators or dots at its ends', () => {
    for (const extension of ['c/v', '.csv', 'csv.', '', 'c..v']) {
      expect(failure('{export}', { extension })).toMatchObject({ path: '/extension' });
    }
  });
});

describe('expandFileName: sanitized values and the final check', () => {
  it('removes separators, .. and control characters from the export and flow names', () => {
    const name = expand('{export}_{flow}', { exportName: '../../etc/passwd', flowName: 'a\u0000b\nc\\d..e' });
    expect(name).toBe('_._etc_passwd_abc_d.e.csv');
    expect(name).not.toMatch(/[/\\]|\.\.|[\u0000-\u001f]/);
  });

  it('sanitizes each kind of unsafe character', () => {
    expect(sanitizeFileNameValue('a/b\\c')).toBe('a_b_c');
    expect(sanitizeFileNameValue('a...b..c')).toBe('a.b.c');
    expect(sanitizeFileNameValue('a\u0001\u007f\u0085b')).toBe('ab');
    expect(sanitizeFileNameValue('lone\uD800 pair🎉')).toBe('lone pair🎉');
    expect(sanitizeFileNameValue('  .hidden. ')).toBe('hidden');
  });

  it('refuses a result longer than 200 characters, at the pattern path', () => {
    const error = failure('{export}', { exportName: 'x'.repeat(197) });
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ path: '/fileNamePattern' });
    expect((error as Error).message).toMatch(/at most 200/);
    expect(expand('{export}', { exportName: 'x'.repeat(196) })).toHaveLength(200);
  });

  it('refuses a result that would be a hidden file once an empty name is substituted', () => {
    expect((failure('{flow}', { flowName: '..' }) as Error).message).toMatch(/dot/);
  });

  it('refuses a result where an empty value leaves two dots together', () => {
    expect((failure('a.{flow}.{ext}', { flowName: '' }) as Error).message).toMatch(/\.\./);
  });

  it('refuses a bad pattern before expanding it, at the path given', () => {
    expect(() => expandFileName('{nope}', BASE, '/exports/3/fileNamePattern')).toThrow(
      expect.objectContaining({ path: '/exports/3/fileNamePattern' }),
    );
  });

  it('refuses a negative or fractional run number and an invalid date', () => {
    expect(failure('{run}', { run: -1 })).toMatchObject({ path: '/run' });
    expect(failure('{run}', { run: 1.5 })).toMatchObject({ path: '/run' });
    expect(failure('{date}', { now: new Date('nope') })).toMatchObject({ path: '/now' });
  });
});
