import { ParleyError } from '../../../core/errors.js';

/** Largest admin API request body. */
export const MAX_BODY_BYTES = 1024 * 1024;
/** Deepest nesting of arrays/objects accepted in a request body. */
export const MAX_JSON_DEPTH = 32;

/** Throws `bad_request` when a parsed JSON value nests deeper than `maxDepth` (iterative, no recursion). */
export function assertJsonDepth(value: unknown, maxDepth = MAX_JSON_DEPTH): void {
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (typeof current !== 'object' || current === null) continue;
    if (depth > maxDepth) throw new ParleyError('bad_request', `Request body nests deeper than ${maxDepth} levels`);
    for (const child of Object.values(current)) stack.push([child, depth + 1]);
  }
}
