/** Longest file name (pattern or result), in code points. */
export const MAX_FILE_NAME_LENGTH = 200;

/** C0 controls, DEL and C1 controls. */
const CONTROL = /[\u0000-\u001F\u007F-\u009F]/;
const SEPARATOR = /[/\\]/;

/**
 * Why a file name (or pattern) is unsafe, or undefined when it is fine: empty, starting with a
 * dot (hidden file), too long, a path separator, `..`, or a control character. The reason never
 * quotes the name.
 */
export function unsafeFileNameReason(name: string): string | undefined {
  if (name.length === 0) return 'must not be empty';
  if (name.startsWith('.')) return 'must not start with a dot';
  if ([...name].length > MAX_FILE_NAME_LENGTH) return `must be at most ${MAX_FILE_NAME_LENGTH} characters`;
  if (SEPARATOR.test(name)) return 'must not contain a path separator (/ or \\)';
  if (name.includes('..')) return 'must not contain ..';
  if (CONTROL.test(name)) return 'must not contain control characters';
  return undefined;
}

const CONTROLS_AND_LONE_SURROGATES = /[\u0000-\u001F\u007F-\u009F]|[\uD800-\uDFFF]/gu;

/**
 * Makes a value safe to put inside a file name: control characters and lone surrogates are
 * removed, path separators become `_`, runs of dots become one dot, and leading or trailing
 * dots and spaces are dropped (no hidden files, no `..` where the value meets the pattern).
 *
 * @example sanitizeFileNameValue('../Summer/Promo..2024.') // '_Summer_Promo.2024'
 */
export function sanitizeFileNameValue(value: string): string {
  return value
    .replace(CONTROLS_AND_LONE_SURROGATES, '')
    .replace(/[/\\]/g, '_')
    .replace(/\.{2,}/g, '.')
    .replace(/^[.\s]+|[.\s]+$/g, '');
}
