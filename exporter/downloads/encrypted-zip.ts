import { createRequire } from 'node:module';
import type { Readable } from 'node:stream';
import archiver from 'archiver';

const require = createRequire(import.meta.url);
let registered = false;

/** archiver's AES-256 ZIP format, registered once per process. */
function ensureFormat(): void {
  if (registered) return;
  archiver.registerFormat('zip-encrypted', require('archiver-zip-encrypted'));
  registered = true;
}

/**
 * A ZIP with one entry, encrypted with AES-256 (WinZip AE-2; 7-Zip opens it), streamed: the
 * entry's bytes flow through without being held in memory.
 */
export function encryptedZip(entry: { name: string; content: Readable }, password: string): Readable {
  ensureFormat();
  const archive = archiver.create('zip-encrypted' as archiver.Format, { zlib: { level: 6 }, encryptionMethod: 'aes256', password } as archiver.ArchiverOptions);
  entry.content.on('error', (error) => archive.destroy(error));
  archive.append(entry.content, { name: entry.name });
  void archive.finalize().catch((error: Error) => archive.destroy(error));
  return archive;
}
