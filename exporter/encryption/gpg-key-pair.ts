import { readGpgPublicKey, type GpgKeyInfo } from './gpg-public-key.js';

/** A new key pair, armored, with the public key's description. */
export interface GpgKeyPair {
  readonly publicKey: string;
  readonly privateKey: string;
  readonly info: GpgKeyInfo;
}

/**
 * Makes a workspace's key pair for files sent to it: Ed25519 for signing, Curve25519 for
 * encryption (gpg's own default, `ed25519/cv25519`), no passphrase (the private key is kept
 * sealed under the workspace's data key instead), never expiring.
 *
 * @example const pair = await generateGpgKeyPair('Parley: Spring shop');
 */
export async function generateGpgKeyPair(name: string): Promise<GpgKeyPair> {
  const { generateKey } = await import('openpgp');
  const { publicKey, privateKey } = await generateKey({ type: 'ecc', curve: 'curve25519Legacy', userIDs: [{ name }], format: 'armored' });
  const { info } = await readGpgPublicKey(publicKey, '');
  return { publicKey, privateKey, info };
}
