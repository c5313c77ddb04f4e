import { defineFilter, rawValueToText } from './filter.js';

/** The phone number reader, with libphonenumber-js, imported by the first export that uses a phone filter. */
const loadReader = async () => (await import('./phone-number-reader.js')).readPhoneNumber;

/**
 * Country calling codes whose numbers have a 10-digit French form, 0 then 9 digits: mainland
 * France (+33) and the overseas departments (+262, +590, +594, +596), dialled that way from France.
 */
const TEN_DIGIT_CALLING_CODES: ReadonlySet<string> = new Set(['33', '262', '590', '594', '596']);

/**
 * Phone number in E.164 (`+33612345678`), for French numbers written nationally (`06 12 34 56 78`)
 * and any valid international number (`+44 20 7946 0958` gives `+442079460958`). Invalid,
 * incomplete or unreadable numbers give ''.
 */
export const phoneE164Filter = defineFilter({
  id: 'phone_e164',
  title: 'Phone with +33 (international)',
  description: 'Phone number in international E.164 form (+33612345678).',
  accepts: ['text'],
  async compile() {
    const readPhoneNumber = await loadReader();
    return (value) => {
      const phone = readPhoneNumber(rawValueToText(value));
      return phone === undefined ? '' : `+${phone.callingCode}${phone.nationalNumber}`;
    };
  },
});

/**
 * Phone number as 10 French digits (`0612345678`), from national or international input
 * (`+33 6 12 34 56 78`). Numbers of the overseas departments keep their 10-digit form
 * (`+262 692 12 34 56` gives `0692123456`). A valid number of another country has no 10-digit
 * French form and gives '', as do invalid numbers.
 */
export const phoneFr10DigitsFilter = defineFilter({
  id: 'phone_fr_10_digits',
  title: 'Phone as 10 digits (0…)',
  description: 'French phone number as 10 digits (0612345678); other countries give empty.',
  accepts: ['text'],
  async compile() {
    const readPhoneNumber = await loadReader();
    return (value) => {
      const phone = readPhoneNumber(rawValueToText(value));
      if (phone === undefined || !TEN_DIGIT_CALLING_CODES.has(phone.callingCode)) return '';
      const digits = `0${phone.nationalNumber}`;
      return digits.length === 10 ? digits : '';
    };
  },
});
