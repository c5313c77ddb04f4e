import { createRequire } from 'node:module';
import { once } from 'node:events';
import type { Readable } from 'node:stream';
import type Archiver from 'archiver';

const require = createRequire(import.meta.url);
let zipArchiver: typeof Archiver | undefined;

/**
 * archiver with its AES-256 ZIP format registered, loaded on the first download (once per
 * process): a process that never builds one never loads either library. Required, not imported,
 * so that `encryptedZip` stays synchronous and its entry never goes a tick without an error listener.
 */
function loadZipArchiver(): typeof Archiver {
  if (zipArchiver === undefined) {
    const archiver = require('archiver') as typeof Archiver;
    archiver.registerFormat('zip-encrypted', require('archiver-zip-encrypted'));
    zipArchiver = archiver;
  }
  return zipArchiver;
}

/** One file of a ZIP: its path inside the archive and its bytes. */
export interface ZipEntry {
  readonly name: string;
  readonly content: Readable | Buffer;
}

/**
 * A ZIP encrypted with AES-256 (WinZip AE-2; 7-Zip opens it), streamed: `entry` first, then each
 * of `more` (read one at a time, once the entry before it is in the archive), so entries' bytes
 * flow through without the archive holding more than one of them.
 */
export function encryptedZip(entry: ZipEntry, password: string, more?: AsyncIterable<ZipEntry>): Readable {
  const archive = loadZipArchiver().create('zip-encrypted' as Archiver.Format, { zlib: { level: 6 }, encryptionMethod: 'aes256', password } as Archiver.ArchiverOptions);
  const closed = new AbortController();
  archive.once('close', () => closed.abort());
  const append = (next: ZipEntry): Promise<unknown> => {
    const added = once(archive, 'entry', { signal: closed.signal });
    if (!Buffer.isBuffer(next.content)) next.content.on('error', (error) => archive.destroy(error));
    archive.append(next.content, { name: next.name });
    return added;
  };
  const first = append(entry);
  void (async () => {
    await first;
    if (more) for await (const next of more) await append(next);
    await archive.finalize();
  })().catch((error: Error) => archive.destroy(error));
  return archive;
}
