import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { readGpgPublicKey } from './gpg-public-key.js';
import { toPullWebStream } from './pull-web-stream.js';

/** File-name suffix of a GPG-encrypted export; the caller appends it. */
export const GPG_FILE_SUFFIX = '.gpg';

/**
 * Encrypts `source` to `armoredKey` as a binary OpenPGP message, streaming: bytes come out while
 * the source is still being read, so memory does not grow with the export. There is no plaintext
 * fallback: an unusable key rejects (ValidationError at `/encryption/publicKey`, and the source is
 * destroyed), and any later failure, the source's included, errors the returned stream.
 *
 * @example
 * const encrypted = await encryptWithGpg(serialized, definition.encryption.publicKey);
 * await destination.upload(encrypted, { fileName: `${name}${GPG_FILE_SUFFIX}`, contentType: 'application/pgp-encrypted' });
 */
export async function encryptWithGpg(source: Readable, armoredKey: string): Promise<Readable> {
  try {
    const { key } = await readGpgPublicKey(armoredKey, '/encryption/publicKey');
    // Imported here, as in readGpgPublicKey: only a process that encrypts loads openpgp.
    const { createMessage, encrypt } = await import('openpgp');
    // openpgp 6 streams Web Streams only.
    const message = await createMessage({ binary: toPullWebStream(source) });
    const encrypted = await encrypt({ message, encryptionKeys: key, format: 'binary' });
    // Node's and the DOM's ReadableStream types differ in name only.
    return Readable.fromWeb(encrypted as unknown as NodeReadableStream<Uint8Array>);
  } catch (error) {
    source.destroy();
    throw error;
  }
}
