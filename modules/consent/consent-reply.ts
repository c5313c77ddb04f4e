import { createHash } from 'node:crypto';

/** The reply to a consent input: `true`/`false`, or their string forms; anything else is undefined. */
export function parseConsentReply(value: unknown): boolean | undefined {
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  return undefined;
}

/**
 * Proof of what was shown: SHA-256 (hex) of the label and the terms URL, so a stored consent
 * can be matched with the exact wording of the flow version it was given under.
 */
export function consentTextHash(label: string, termsUrl: string | undefined): string {
  return createHash('sha256').update(JSON.stringify([label, termsUrl ?? null]), 'utf8').digest('hex');
}
