import { createHash, randomBytes } from 'node:crypto';
import type { InstantWinMoment } from '../../core/capabilities/instant-win-capability.js';
import { sortMoments } from './instant-win-draw.js';

/** Everything a moments draw commits to; published (revealed) once the flow has closed. */
export interface RevealedDraw {
  readonly flowHashId: string;
  readonly stepId: string;
  /** 16 random bytes, hex: makes the commitment unguessable while the flow runs. */
  readonly salt: string;
  readonly moments: readonly InstantWinMoment[];
}

/** A fresh salt: 16 random bytes as 32 hex characters. */
export function newSalt(): string {
  return randomBytes(16).toString('hex');
}

/**
 * Canonical JSON: object keys sorted by code unit at every level, no whitespace, arrays in
 * their given order. Two equal values always give the same text.
 *
 * @example canonicalJson({ b: 1, a: [true] }) // '{"a":[true],"b":1}'
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * SHA-256 (hex) of `canonicalJson({ flowHashId, stepId, salt, moments })` with the moments in
 * canonical order (instant, then prize id) and each instant as ISO 8601 in UTC with
 * milliseconds. Hashed piece by piece, so a million moments never build one huge string.
 */
export function commitmentOf(draw: RevealedDraw): string {
  const hash = createHash('sha256');
  hash.update(`{"flowHashId":${JSON.stringify(draw.flowHashId)},"moments":[`);
  let chunk = '';
  sortMoments(draw.moments).forEach((m, i) => {
    chunk += `${i > 0 ? ',' : ''}{"moment":${JSON.stringify(m.moment)},"prizeId":${JSON.stringify(m.prizeId)}}`;
    if (chunk.length > 65_536) {
      hash.update(chunk);
      chunk = '';
    }
  });
  hash.update(chunk);
  hash.update(`],"salt":${JSON.stringify(draw.salt)},"stepId":${JSON.stringify(draw.stepId)}}`);
  return hash.digest('hex');
}

/**
 * True when a revealed draw matches the commitment published at opening. Instants are
 * normalized to ISO 8601 UTC with milliseconds first; anything malformed does not verify.
 *
 * @example verifyCommitment(proof.commitment, proof.revealed)
 */
export function verifyCommitment(commitment: string, revealed: RevealedDraw | null | undefined): boolean {
  if (!revealed || !/^[0-9a-f]{64}$/.test(commitment) || !Array.isArray(revealed.moments)) return false;
  const moments: InstantWinMoment[] = [];
  for (const m of revealed.moments) {
    const at = typeof m?.moment === 'string' ? new Date(m.moment) : null;
    if (!at || Number.isNaN(at.getTime()) || typeof m.prizeId !== 'string') return false;
    moments.push({ prizeId: m.prizeId, moment: at.toISOString() });
  }
  if ([revealed.flowHashId, revealed.stepId, revealed.salt].some((v) => typeof v !== 'string')) return false;
  return commitmentOf({ ...revealed, moments }) === commitment;
}
