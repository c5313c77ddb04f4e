import { fileTypeFromBuffer } from 'file-type';

/** The file types a step may take, by MIME type, with the name a participant reads. */
export const FILE_KIND_NAMES = {
  'image/jpeg': 'JPEG',
  'image/png': 'PNG',
  'image/gif': 'GIF',
  'image/webp': 'WebP',
  'image/heic': 'HEIC',
  'application/pdf': 'PDF',
} as const;

export type FileKind = keyof typeof FILE_KIND_NAMES;

export const FILE_KINDS = Object.keys(FILE_KIND_NAMES) as FileKind[];

/**
 * The type of a file read from its bytes (its signature), never from its name or the type the
 * browser declared: a script renamed `photo.png` is not a PNG. `undefined` for any other content.
 */
export async function detectFileKind(content: Uint8Array): Promise<FileKind | undefined> {
  const detected = await fileTypeFromBuffer(content);
  return detected && (FILE_KINDS as readonly string[]).includes(detected.mime) ? (detected.mime as FileKind) : undefined;
}

/** "JPEG, PNG or PDF". */
export function kindList(kinds: readonly FileKind[]): string {
  const names = kinds.map((kind) => FILE_KIND_NAMES[kind]);
  return names.length > 1 ? `${names.slice(0, -1).join(', ')} or ${names.at(-1)}` : (names[0] ?? '');
}

const MAX_NAME_LENGTH = 200;

/**
 * The name a file is kept under: the last segment of what the browser sent (no folders), without
 * control or format characters (no bidirectional overrides that disguise an extension), NFC,
 * at most 200 characters; `file` when nothing is left.
 */
export function fileNameOf(sent: string): string {
  const last = sent.split(/[\\/]/).at(-1) ?? '';
  const clean = last.normalize('NFC').replace(/[\p{Cc}\p{Cf}]/gu, '').trim();
  const name = [...clean].slice(0, MAX_NAME_LENGTH).join('');
  return name === '' || name === '.' || name === '..' ? 'file' : name;
}
