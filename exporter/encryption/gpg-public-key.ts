// openpgp is imported when a key is first read: a process that never reads one never loads it.
import type { Key, PublicKey, Subkey } from 'openpgp';
import { ValidationError } from '../../core/errors.js';

/** What an accepted GPG public key is, for people choosing or checking it. */
export interface GpgKeyInfo {
  /** Upper-case hex fingerprint of the primary key, as `gpg --fingerprint` shows it (no spaces). */
  readonly fingerprint: string;
  readonly userIds: readonly string[];
  /** Primary and encryption key algorithms as gpg names them, e.g. `ed25519/cv25519` or `rsa3072/rsa3072`. */
  readonly algorithm: string;
  /** When the key (or its encryption subkey, if sooner) stops being usable; null when never. */
  readonly expiresAt: Date | null;
}

/** Why a key was refused; sent as `details.reason` with the ValidationError. */
export type GpgKeyProblem =
  | 'too_long'
  | 'not_armored'
  | 'unreadable'
  | 'no_key'
  | 'several_keys'
  | 'private_key'
  | 'revoked'
  | 'expired'
  | 'invalid'
  | 'no_encryption_key';

export interface GpgKeyCheckOptions {
  /** The moment the key must be valid at (default: now). */
  readonly now?: Date;
}

/** Armored keys beyond this are refused before parsing (real public keys are a few KiB). */
const MAX_ARMORED_LENGTH = 256 * 1024;
const ARMOR_HEADER = /-----BEGIN PGP (?:PUBLIC|PRIVATE) KEY BLOCK-----/g;

const MESSAGES: Record<GpgKeyProblem, string> = {
  too_long: 'The GPG key is too long to be a public key',
  not_armored: 'The GPG key is not an ASCII-armored OpenPGP public key block',
  unreadable: 'The GPG key block could not be read (it may be truncated or corrupted)',
  no_key: 'The GPG key block holds no key',
  several_keys: 'The GPG key block holds more than one key: provide exactly one public key',
  private_key: 'The GPG key is a private key: provide the public key only (gpg --armor --export)',
  revoked: 'The GPG key has been revoked',
  expired: 'The GPG key has expired',
  invalid: 'The GPG key has no valid self-signature',
  no_encryption_key: 'The GPG key has no valid key that can encrypt (it may be a signing-only key)',
};

function refuse(problem: GpgKeyProblem, path: string, extra = ''): ValidationError {
  return new ValidationError(`${MESSAGES[problem]}${extra}`, path, { reason: problem });
}

const CURVE_NAMES: Readonly<Record<string, string>> = {
  ed25519Legacy: 'ed25519',
  curve25519Legacy: 'cv25519',
  nistP256: 'nistp256',
  nistP384: 'nistp384',
  nistP521: 'nistp521',
};

const SIZED_FAMILIES: Readonly<Record<string, string>> = {
  rsaEncryptSign: 'rsa',
  rsaEncrypt: 'rsa',
  rsaSign: 'rsa',
  elgamal: 'elg',
  dsa: 'dsa',
};

/** gpg's short name for a key's algorithm: `rsa3072`, `ed25519`, `cv25519`, `x448`, … */
export function gpgAlgorithmName(info: { readonly algorithm: string; readonly bits?: number; readonly curve?: string }): string {
  const family = SIZED_FAMILIES[info.algorithm];
  if (family !== undefined && info.bits !== undefined) return `${family}${info.bits}`;
  if (info.curve !== undefined) return CURVE_NAMES[info.curve] ?? info.curve.toLowerCase();
  return info.algorithm;
}

/** The earlier of two expiry times, where Infinity and null both mean "never". */
function earliest(a: Date | number | null, b: Date | number | null): Date | null {
  const dates = [a, b].filter((value): value is Date => value instanceof Date);
  if (dates.length === 0) return null;
  return new Date(Math.min(...dates.map((date) => date.getTime())));
}

async function parseSingleKey(armored: string, path: string): Promise<Key> {
  if (armored.length > MAX_ARMORED_LENGTH) throw refuse('too_long', path);
  const blocks = armored.match(ARMOR_HEADER)?.length ?? 0;
  if (blocks === 0) throw refuse('not_armored', path);
  const { readKeys } = await import('openpgp');
  let keys: Key[];
  try {
    keys = await readKeys({ armoredKeys: armored });
  } catch {
    throw refuse('unreadable', path);
  }
  if (keys.some((key) => key.isPrivate())) throw refuse('private_key', path);
  if (keys.length === 0) throw refuse('no_key', path);
  // readKeys reads the first armored block only: count the blocks too.
  if (keys.length > 1 || blocks > 1) throw refuse('several_keys', path);
  return keys[0]!;
}

/**
 * Reads one armored public key and checks it can encrypt at `now`; returns the key for openpgp
 * and its description. Throws a ValidationError at `path` (reason in `details.reason`) otherwise.
 */
export async function readGpgPublicKey(
  armored: string,
  path: string,
  options: GpgKeyCheckOptions = {},
): Promise<{ readonly key: PublicKey; readonly info: GpgKeyInfo }> {
  const now = options.now ?? new Date();
  const key = (await parseSingleKey(armored, path)) as PublicKey;
  if (await key.isRevoked(undefined, undefined, now)) throw refuse('revoked', path);
  const primaryExpiry = await key.getExpirationTime().catch(() => null);
  if (primaryExpiry instanceof Date && primaryExpiry.getTime() <= now.getTime()) {
    throw refuse('expired', path, ` (on ${primaryExpiry.toISOString().slice(0, 10)})`);
  }
  try {
    await key.verifyPrimaryKey(now);
  } catch {
    throw refuse('invalid', path);
  }
  let encryptionKey: PublicKey | Subkey;
  try {
    encryptionKey = await key.getEncryptionKey(undefined, now);
  } catch {
    throw refuse('no_encryption_key', path);
  }
  const subkeyExpiry = encryptionKey === key ? null : await (encryptionKey as Subkey).getExpirationTime(now).catch(() => null);
  const info: GpgKeyInfo = Object.freeze({
    fingerprint: key.getFingerprint().toUpperCase(),
    userIds: Object.freeze(key.getUserIDs()),
    algorithm: `${gpgAlgorithmName(key.getAlgorithmInfo())}/${gpgAlgorithmName(encryptionKey.getAlgorithmInfo())}`,
    expiresAt: earliest(primaryExpiry, subkeyExpiry),
  });
  return { key, info };
}

/**
 * Checks a GPG public key pasted into an export definition: exactly one ASCII-armored public key,
 * neither revoked nor expired at `now`, with a valid key that can encrypt. The error message
 * gives the reason and never echoes the key.
 *
 * @example
 * const { fingerprint, expiresAt } = await validateGpgPublicKey(definition.encryption.publicKey);
 */
export async function validateGpgPublicKey(
  armored: string,
  path = '/encryption/publicKey',
  options: GpgKeyCheckOptions = {},
): Promise<GpgKeyInfo> {
  return (await readGpgPublicKey(armored, path, options)).info;
}
