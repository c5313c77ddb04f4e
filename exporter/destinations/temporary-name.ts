import { randomBytes } from 'node:crypto';
import { DestinationError } from '../../core/errors.js';

const MAX_NAME_BYTES = 255;
const FORBIDDEN = /[\u0000-\u001f\u007f/\\]/;

/**
 * Refuses a file name that is not one plain name: empty, `.`/`..`, longer than 255 bytes, or
 * holding a slash, a backslash or a control character (which could inject FTP commands).
 */
export function checkFileName(fileName: string): void {
  if (
    fileName.length === 0 ||
    fileName === '.' ||
    fileName === '..' ||
    FORBIDDEN.test(fileName) ||
    Buffer.byteLength(fileName) > MAX_NAME_BYTES
  ) {
    throw new DestinationError('The export file name is not a plain file name', { retryable: false });
  }
}

const TEMPORARY_NAME = /^\..+\.[0-9a-f]{12}\.part$/s;

/** Whether `name` has the shape `temporaryName` gives (a hidden upload in progress or left behind). */
export function isTemporaryName(name: string): boolean {
  return TEMPORARY_NAME.test(name);
}

/**
 * A hidden, unique name next to `fileName` to stream into before the final rename, e.g.
 * `temporaryName('out.csv')` → `.out.csv.3f9c2a1b7e4d.part`. Stays within 255 bytes.
 */
export function temporaryName(fileName: string): string {
  const suffix = `.${randomBytes(6).toString('hex')}.part`;
  let base = fileName;
  while (Buffer.byteLength(`.${base}${suffix}`) > MAX_NAME_BYTES) base = Array.from(base).slice(0, -1).join('');
  return `.${base}${suffix}`;
}

/** A hidden, unique name for the file or object a destination check writes and removes, e.g. `.parley-probe.3f9c2a1b7e4d`. */
export function probeName(): string {
  return `.parley-probe.${randomBytes(6).toString('hex')}`;
}
