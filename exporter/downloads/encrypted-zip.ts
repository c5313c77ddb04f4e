import { createRequire } from 'node:module';
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

/**
 * A ZIP with one entry, encrypted with AES-256 (WinZip AE-2; 7-Zip opens it), streamed: the
 * entry's bytes flow through without being held in memory.
 */
export function encryptedZip(entry: { name: string; content: Readable }, password: string): Readable {
  const archive = loadZipArchiver().create('zip-encrypted' as Archiver.Format, { zlib: { level: 6 }, encryptionMethod: 'aes256', password } as Archiver.ArchiverOptions);
  entry.content.on('error', (error) => archive.destroy(error));
  archive.append(entry.content, { name: entry.name });
  void archive.finalize().catch((error: Error) => archive.destroy(error));
  return archive;
}
