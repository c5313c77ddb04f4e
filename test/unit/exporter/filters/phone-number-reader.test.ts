import { describe, expect, it } from 'vitest';
import {
  readFrenchFast,
  readPhoneNumber,
  readPhoneNumberWithLibrary,
} from '../../../../exporter/filters/phone-number-reader.js';

/** Deterministic digits, so a failure can be replayed. */
function digitsFrom(seed: number, count: number): string {
  let state = seed;
  let digits = '';
  for (let i = 0; i < count; i++) {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    digits += String(Math.floor((state / 2_147_483_648) * 10));
  }
  return digits;
}

function spellings(nationalNumber: string): string[] {
  const national = `0${nationalNumber}`;
  const pairs = national.match(/\d{2}/g) as string[];
  return [
    national,
    `+33${nationalNumber}`,
    `0033${nationalNumber}`,
    pairs.join(' '),
    pairs.join('.'),
    pairs.join('-'),
    pairs.join('\u00a0'),
    `+33 ${nationalNumber.slice(0, 1)} ${nationalNumber.slice(1).match(/\d{2}/g)?.join(' ')}`,
    ` ${national} `,
  ];
}

describe('readPhoneNumber fast path', () => {
  it('reads usual French spellings without the full parser', () => {
    expect(readFrenchFast('06 12 34 56 78')).toEqual({ callingCode: '33', nationalNumber: '612345678' });
    expect(readFrenchFast('+33 1 45 67 89 10')).toEqual({ callingCode: '33', nationalNumber: '145678910' });
    expect(readFrenchFast('+44 20 7946 0958')).toBeUndefined();
    expect(readFrenchFast('0692 12 34 56')).toBeUndefined();
  });

  it('agrees with libphonenumber-js on every French prefix, in every spelling', () => {
    let fastHits = 0;
    for (let prefix = 100; prefix <= 999; prefix++) {
      for (let sample = 0; sample < 2; sample++) {
        const nationalNumber = `${prefix}${digitsFrom(prefix * 7 + sample, 6)}`;
        for (const text of spellings(nationalNumber)) {
          const fast = readFrenchFast(text);
          if (fast !== undefined) fastHits++;
          expect(readPhoneNumber(text), text).toEqual(readPhoneNumberWithLibrary(text));
          if (fast !== undefined) expect(fast, text).toEqual(readPhoneNumberWithLibrary(text));
        }
      }
    }
    expect(fastHits).toBeGreaterThan(1000);
  });

  it('leaves numbers it does not recognize to the library', () => {
    for (const text of ['+33 (0)6 12 34 56 78', '33612345678', '+262 692 12 34 56', '+1 202 456 1111', '06 12 34 56 7', 'abc', '']) {
      expect(readPhoneNumber(text), text).toEqual(readPhoneNumberWithLibrary(text));
    }
  });
});
