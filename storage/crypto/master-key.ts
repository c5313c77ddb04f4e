import { randomBytes } from 'node:crypto';
import { ConfigError } from '../../core/errors.js';

/** Parses a 32-byte master key given as 64 hex digits or base64. */
export function parseMasterKey(text: string, path = 'PARLEY_MASTER_KEY'): Buffer {
  const trimmed = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
  if (key.length !== 32) throw new ConfigError('Master key must be 32 bytes, as 64 hex digits or base64', path);
  return key;
}

/** A fresh master key, as 64 hex digits. */
export function generateMasterKey(): string {
  return randomBytes(32).toString('hex');
}
