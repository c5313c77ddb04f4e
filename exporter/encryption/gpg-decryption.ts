import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { toPullWebStream } from './pull-web-stream.js';
import { ParleyError, ValidationError } from '../../core/errors.js';

const ARMOR = Buffer.from('-----BEGIN PGP MESSAGE-----');
const isArmored = (head: Buffer) => head.subarray(0, ARMOR.length).equals(ARMOR);

/** Where a file's content starts past a UTF-8 BOM and ASCII white space (armor may follow either). */
function contentStart(head: Buffer): number {
  let at = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  while (at < head.length && (head[at] === 0x20 || (head[at]! >= 0x09 && head[at]! <= 0x0d))) at += 1;
  return at;
}

/**
 * Whether the first bytes of a file are an OpenPGP message encrypted to a key: ASCII armor, or a
 * binary public-key encrypted session key packet (tag 1, old or new format). Neither can begin a
 * UTF-8 text file: 0x84–0x87 are continuation bytes and 0xC1 is never valid.
 */
export function looksGpgEncrypted(head: Buffer): boolean {
  if (isArmored(head.subarray(contentStart(head)))) return true;
  const tag = head[0];
  return tag !== undefined && ((tag >= 0x84 && tag <= 0x87) || tag === 0xc1);
}

/**
 * A byte stream as it came, or decrypted when it is a GPG message: the first bytes are read to
 * tell, then everything streams. `privateKey` is asked for only when the stream is encrypted
 * (undefined: the workspace has none, refused at `path`). A message not for that key, or
 * damaged, fails the returned stream; a tampered one fails it at its end, after its plaintext
 * has flowed (the stream is not held until the integrity check), so a reader must commit nothing
 * before the end, as the code upload's single transaction does. Whenever it refuses, the rest of
 * `source` is read and dropped, so the refusal reaches a sender that writes its whole body first.
 */
export async function decryptIfGpg(source: Readable, privateKey: () => Promise<string | undefined>, path: string): Promise<Readable> {
  const chunks = source[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  // The iterator holds the stream: `resume()` would not drain it, and `return()` would destroy the socket.
  const drain = () => void (async () => {
    try {
      while (!(await chunks.next()).done);
    } catch {
      // The sender went away: nothing left to drop.
    }
  })();
  let head = Buffer.alloc(0);
  let ended = false;
  try {
    while (head.length - contentStart(head) < ARMOR.length && head.length < 64 * 1024 && !ended) {
      const next = await chunks.next();
      if (next.done) ended = true;
      else head = Buffer.concat([head, Buffer.from(next.value)]);
    }
  } catch {
    throw new ParleyError('bad_request', 'The upload was cut off before its end', { path });
  }
  /** `first`, then the rest of the source. */
  const from = (first: Buffer) => Readable.from((async function* () {
    if (first.length > 0) yield first;
    if (ended) return;
    for (let next = await chunks.next(); !next.done; next = await chunks.next()) yield Buffer.from(next.value);
  })(), { objectMode: false });
  if (!looksGpgEncrypted(head)) return from(head);
  const start = contentStart(head);
  const armored = isArmored(head.subarray(start));
  // Armor is read from its first line on (openpgp takes no BOM); a binary message from its first byte.
  const whole = from(armored ? head.subarray(start) : head);

  let armoredKey: string | undefined;
  try {
    armoredKey = await privateKey();
  } catch (error) {
    drain();
    throw error;
  }
  if (armoredKey === undefined) {
    drain();
    throw new ValidationError('This file is GPG-encrypted, but the workspace has no key to decrypt it: create one under Settings → Incoming files, and encrypt to it', path);
  }
  const { decrypt, readMessage, readPrivateKey } = await import('openpgp');
  try {
    const decryptionKeys = await readPrivateKey({ armoredKey });
    const input = toPullWebStream(whole);
    const read = armored
      ? await readMessage({ armoredMessage: input.pipeThrough(new TextDecoderStream() as unknown as ReadableWritablePair<string, Uint8Array>) })
      : await readMessage({ binaryMessage: input });
    // Streamed, not held in memory until the integrity check: see above.
    const { data } = await decrypt({ message: read, decryptionKeys, format: 'binary', config: { allowUnauthenticatedStream: true } });
    const plain = Readable.fromWeb(data as unknown as NodeReadableStream<Uint8Array>);
    return Readable.from((async function* () {
      try {
        for await (const chunk of plain) yield chunk as Buffer;
      } catch {
        drain();
        throw new ValidationError('This GPG file is damaged or was altered after it was encrypted: nothing of it was used', path);
      }
    })(), { objectMode: false });
  } catch {
    drain();
    throw new ValidationError('This file is not a GPG message the workspace’s key can open (or not UTF-8 text): encrypt it to the public key under Settings → Incoming files', path);
  }
}
