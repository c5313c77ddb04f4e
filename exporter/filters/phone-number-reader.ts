import {
  Metadata,
  getCountryCallingCode,
  parsePhoneNumberFromString,
  type CountryCode,
} from 'libphonenumber-js/max';

/** A valid phone number: its country calling code and national significant number. */
export interface PhoneDigits {
  /** Without '+', e.g. '33'. */
  readonly callingCode: string;
  /** Without national prefix, e.g. '612345678'. */
  readonly nationalNumber: string;
}

/**
 * Regions tried, in order, for a number written without its country code. Mainland France
 * first; the overseas departments follow because their numbers (0692 … in Réunion) are written
 * the same way in France but are not valid mainland numbers.
 */
const NATIONAL_REGIONS: readonly { region: CountryCode; callingCode: string }[] = (
  ['FR', 'RE', 'GP', 'MQ', 'GF', 'YT'] as const
).map((region) => ({ region, callingCode: getCountryCallingCode(region) }));

/**
 * The valid phone number in `text`, read as French when it has no country code, or undefined.
 * Common French spellings (`06 12 34 56 78`, `+33 6 12…`, `0033…`) are checked against the
 * library's French metadata directly, about a hundred times faster than a full parse (which
 * builds its regular expressions on every call); everything else goes through libphonenumber-js.
 */
export function readPhoneNumber(text: string): PhoneDigits | undefined {
  return readFrenchFast(text) ?? readPhoneNumberWithLibrary(text);
}

/** The same answer as readPhoneNumber, always through a full libphonenumber-js parse. */
export function readPhoneNumberWithLibrary(text: string): PhoneDigits | undefined {
  if (text.trim() === '') return undefined;
  for (const { region, callingCode } of NATIONAL_REGIONS) {
    const parsed = parsePhoneNumberFromString(text, { defaultCountry: region, extract: false });
    if (parsed === undefined) return undefined;
    if (parsed.isValid()) return { callingCode: parsed.countryCallingCode, nationalNumber: parsed.nationalNumber };
    // The number carried its own country code, so another default region cannot help.
    if (parsed.countryCallingCode !== callingCode) return undefined;
  }
  return undefined;
}

const SEPARATORS = /[ .\-\u00a0]/g;
const FRENCH_SHAPE = /^(?:0|\+33|0033)([1-9]\d{8})$/;
const FRENCH_CALLING_CODE = '33';

/** Built on first use; null when the metadata cannot be read this way (fast path off). */
let frenchValidator: ((nationalNumber: string) => boolean) | null | undefined;

/** A French number in one of its usual spellings that the metadata says is valid, or undefined (then ask the library). */
export function readFrenchFast(text: string): PhoneDigits | undefined {
  const match = FRENCH_SHAPE.exec(text.trim().replace(SEPARATORS, ''));
  if (match === null) return undefined;
  if (frenchValidator === undefined) frenchValidator = buildValidator('FR');
  const nationalNumber = match[1] as string;
  if (frenchValidator === null || !frenchValidator(nationalNumber)) return undefined;
  return { callingCode: FRENCH_CALLING_CODE, nationalNumber };
}

/** The parts of the library's metadata objects used here; they are not in its type declarations. */
interface NumberTypeMetadata {
  pattern(): string;
  possibleLengths(): number[] | undefined;
}
interface PlanMetadata {
  nationalNumberPattern(): string;
  type(name: string): NumberTypeMetadata | undefined;
}

/** Types that make a number valid, as in libphonenumber-js `getNumberType`. */
const NUMBER_TYPES = [
  'FIXED_LINE',
  'MOBILE',
  'PREMIUM_RATE',
  'TOLL_FREE',
  'SHARED_COST',
  'VOIP',
  'PERSONAL_NUMBER',
  'PAGER',
  'UAN',
  'VOICEMAIL',
] as const;

/**
 * The library's own validity test for one region, with its regular expressions compiled once:
 * the national number matches the general pattern and the pattern (and lengths) of one number
 * type. Null when the metadata does not have the expected shape (or, under a CommonJS loader,
 * when the `Metadata` class is not exported), which turns the fast path off.
 */
function buildValidator(region: CountryCode): ((nationalNumber: string) => boolean) | null {
  try {
    const metadata = new Metadata();
    metadata.selectNumberingPlan(region);
    const plan = metadata.numberingPlan as unknown as PlanMetadata | undefined;
    if (plan === undefined || typeof plan.nationalNumberPattern !== 'function' || typeof plan.type !== 'function') {
      return null;
    }
    const general = new RegExp(`^(?:${plan.nationalNumberPattern()})$`);
    const types = NUMBER_TYPES.flatMap((name) => {
      const type = plan.type(name);
      const pattern = type?.pattern();
      if (type === undefined || !pattern) return [];
      return [{ pattern: new RegExp(`^(?:${pattern})$`), lengths: type.possibleLengths() }];
    });
    if (types.length === 0) return null;
    return (nationalNumber) =>
      general.test(nationalNumber) &&
      types.some(
        ({ pattern, lengths }) => (lengths === undefined || lengths.includes(nationalNumber.length)) && pattern.test(nationalNumber),
      );
  } catch {
    return null;
  }
}
