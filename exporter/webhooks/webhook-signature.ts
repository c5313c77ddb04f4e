import { createHmac, timingSafeEqual } from 'node:crypto';

/** The header that authenticates a delivery. */
export const SIGNATURE_HEADER = 'Parley-Signature';

function hmac(secret: string, timestamp: number, body: string | Buffer): string {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex');
}

/**
 * `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`, keyed with the endpoint's whole
 * secret string (UTF-8). The timestamp lets receivers refuse replays.
 *
 * @example signatureHeader('whsec_…', 1767225600, '{"id":"…"}') // 't=1767225600,v1=5f0c…'
 */
export function signatureHeader(secret: string, timestamp: number, body: string | Buffer): string {
  return `t=${timestamp},v1=${hmac(secret, timestamp, body)}`;
}

/**
 * What a receiver does: true when one `v1` of the header matches the raw body and `t` is within
 * `toleranceSeconds` of `nowSeconds`.
 */
export function verifySignature(header: string, secret: string, body: string | Buffer, options: { nowSeconds: number; toleranceSeconds?: number }): boolean {
  const parts = header.split(',').map((part) => part.trim().split('='));
  const t = Number(parts.find(([key]) => key === 't')?.[1]);
  if (!Number.isInteger(t) || Math.abs(options.nowSeconds - t) > (options.toleranceSeconds ?? 300)) return false;
  const expected = Buffer.from(hmac(secret, t, body), 'hex');
  return parts.some(([key, value]) => key === 'v1' && value !== undefined && /^[0-9a-f]{64}$/.test(value) && timingSafeEqual(Buffer.from(value, 'hex'), expected));
}
