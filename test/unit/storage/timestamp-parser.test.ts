import { describe, expect, it } from 'vitest';
import pg from 'pg';
import { parseTimestamptz } from '../../../storage/timestamp-parser.js';

const reference = pg.types.getTypeParser(1184, 'text') as (text: string) => unknown;
const time = (value: unknown) => (value instanceof Date ? value.getTime() : value);

describe('parseTimestamptz', () => {
  it.each([
    '2026-06-30 08:00:01+00',
    '2026-06-30 08:00:01.5+02',
    '2026-06-30 08:00:01.123456-03:30',
    '2026-06-30 23:59:59.999999+00',
    '2026-12-31 23:30:00-01',
    '1901-12-13 20:45:52+00:09:21',
    '2000-02-29 00:00:00.000001+14',
    'infinity',
    '-infinity',
    '0044-03-15 12:00:00+00 BC',
    '12026-06-30 08:00:01+00',
  ])('reads %s as pg does', (text) => {
    expect(time(parseTimestamptz(text))).toEqual(time(reference(text)));
  });
});
