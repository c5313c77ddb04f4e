import { ParleyError, ValidationError } from '../../../core/errors.js';

/** Largest admin API request body. */
export const MAX_BODY_BYTES = 1024 * 1024;
/** Deepest nesting of arrays/objects accepted in a request body. */
export const MAX_JSON_DEPTH = 32;

/**
 * Text PostgreSQL refuses: U+0000 (never allowed in `text` or `jsonb`) and UTF-16 surrogates
 * without their pair (JSON's `"\ud800"`, which has no UTF-8 encoding).
 */
const UNSTORABLE_TEXT = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const UNSTORABLE_TEXT_GLOBAL = new RegExp(UNSTORABLE_TEXT.source, 'g');

/** True when `text` can be stored as PostgreSQL text: no U+0000, no unpaired surrogate. */
export function isStorableText(text: string): boolean {
  return !UNSTORABLE_TEXT.test(text);
}

/** A JSON pointer segment for `key`, short, escaped, and with unstorable characters replaced (never echoed raw). */
function pointerSegment(key: string): string {
  return key.slice(0, 64).replace(UNSTORABLE_TEXT_GLOBAL, '\uFFFD').replace(/~/g, '~0').replace(/\//g, '~1');
}

/**
 * One iterative walk over parsed JSON input (a request body, query, path parameters or a chat
 * reply): throws `bad_request` at the JSON path of the first array/object nested deeper than
 * `maxDepth`, and `validation_failed` at the path of the first key or string PostgreSQL could
 * not store. `base` prefixes every path (`/query`, `/params`, or `` for a body).
 *
 * @example
 * assertJsonInput({ name: 'a\u0000' });  // throws ValidationError, path `/name`
 */
export function assertJsonInput(value: unknown, base = '', maxDepth = MAX_JSON_DEPTH): void {
  const stack: Array<[unknown, number, string]> = [[value, 1, base]];
  while (stack.length > 0) {
    const [current, depth, path] = stack.pop()!;
    if (typeof current === 'string') {
      if (!isStorableText(current)) throw new ValidationError('Must not contain U+0000 or an unpaired UTF-16 surrogate', path || '/');
      continue;
    }
    if (typeof current !== 'object' || current === null) continue;
    if (depth > maxDepth) throw new ParleyError('bad_request', `Request body nests deeper than ${maxDepth} levels`, { path: path || '/' });
    const entries = Object.entries(current);
    // Pushed in reverse so the first offending value in document order is reported.
    for (let i = entries.length - 1; i >= 0; i -= 1) {
      const [key, child] = entries[i]!;
      const childPath = `${path}/${pointerSegment(key)}`;
      if (!isStorableText(key)) throw new ValidationError('Field names must not contain U+0000 or an unpaired UTF-16 surrogate', childPath);
      stack.push([child, depth + 1, childPath]);
    }
  }
}
