import pg from 'pg';

const TIMESTAMPTZ_OID = 1184;
const fallback = pg.types.getTypeParser(TIMESTAMPTZ_OID, 'text') as (text: string) => unknown;

const digits = (text: string, from: number, count: number): number => {
  let value = 0;
  for (let i = from; i < from + count; i += 1) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return Number.NaN;
    value = value * 10 + d;
  }
  return value;
};

/**
 * Parses PostgreSQL's ISO output of a `timestamptz` (`2026-06-30 08:00:01.5+02`, optional
 * fraction and offset minutes) without regular expressions or string copies: exports read two
 * per row, and the generic parser costs more than the rest of the row. Anything else (BC dates,
 * infinity, five-digit years) goes to pg's own parser.
 */
export function parseTimestamptz(text: string): unknown {
  const n = text.length;
  if (n < 22 || text[4] !== '-' || text[10] !== ' ' || text[13] !== ':') return fallback(text);
  let i = 19;
  let ms = 0;
  if (text[i] === '.') {
    i += 1;
    let scale = 100;
    while (i < n && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) {
      ms += (text.charCodeAt(i) - 48) * scale;
      scale /= 10;
      i += 1;
    }
    ms = Math.floor(ms);
  }
  const sign = text[i] === '+' ? 1 : text[i] === '-' ? -1 : 0;
  const rest = n - i;
  if (sign === 0 || (rest !== 3 && rest !== 6 && rest !== 9)) return fallback(text);
  const offsetMinutes = digits(text, i + 1, 2) * 60 + (rest >= 6 ? digits(text, i + 4, 2) : 0);
  const offsetSeconds = rest === 9 ? digits(text, i + 7, 2) : 0;
  const utc = Date.UTC(digits(text, 0, 4), digits(text, 5, 2) - 1, digits(text, 8, 2), digits(text, 11, 2), digits(text, 14, 2), digits(text, 17, 2), ms);
  const time = utc - sign * (offsetMinutes * 60 + offsetSeconds) * 1000;
  return Number.isNaN(time) ? fallback(text) : new Date(time);
}
