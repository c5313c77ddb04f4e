/** A pragmatic address check: one @, a local part, a dotted domain with letters-only TLD, no spaces. */
const EMAIL = /^[^\s@"(),:;<>[\\\]]{1,64}@(?=.{1,253}$)(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;

/**
 * The normalized form used for storage and equality (one participation per email, subject
 * requests): trimmed and lower-cased, or undefined when it is not a usable address.
 */
export function normalizeEmail(input: unknown): string | undefined {
  if (typeof input !== 'string') return undefined;
  const trimmed = input.trim().normalize('NFC');
  if (trimmed.length > 254 || !EMAIL.test(trimmed)) return undefined;
  return trimmed.toLowerCase();
}
