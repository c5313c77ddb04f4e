/**
 * Variables a host page passes into a new chat session (`data-variables`, `setVariables`,
 * allow-listed URL parameters such as `utm_source`). The widget drops what breaks these rules
 * before sending; the gateway refuses a handshake that still breaks them.
 */

/** A variable name the flow can use as `{{name}}`. */
export const HOST_VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
export const MAX_HOST_VARIABLES = 20;
export const MAX_HOST_VARIABLE_LENGTH = 500;

/** One rule a set of host variables breaks, with the JSON path (relative to the set) of the culprit. */
export interface HostVariableProblem {
  readonly path: string;
  readonly message: string;
}

/** True when `text` holds U+0000 or a surrogate half without its pair. */
function hasForbiddenCharacters(text: string): boolean {
  return /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text);
}

/** The first problem of one name/value pair, or undefined when it may be sent. Never quotes the value. */
export function hostVariableProblem(name: string, value: unknown): HostVariableProblem | undefined {
  const path = `/${name.replace(/~/g, '~0').replace(/\//g, '~1')}`;
  if (!HOST_VARIABLE_NAME.test(name)) return { path, message: 'A variable name has letters, digits and underscores (at most 64), and does not start with a digit' };
  if (typeof value !== 'string') return { path, message: 'A variable value must be a string' };
  if (value.length > MAX_HOST_VARIABLE_LENGTH) return { path, message: `A variable value has at most ${MAX_HOST_VARIABLE_LENGTH} characters` };
  if (hasForbiddenCharacters(value)) return { path, message: 'A variable value may not contain NUL or unpaired surrogate characters' };
  return undefined;
}

/** Every problem of a whole set: not an object, too many entries, or bad pairs. */
export function hostVariablesProblems(value: unknown): HostVariableProblem[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [{ path: '', message: 'Variables must be an object of strings' }];
  const entries = Object.entries(value);
  const problems: HostVariableProblem[] = [];
  if (entries.length > MAX_HOST_VARIABLES) problems.push({ path: '', message: `At most ${MAX_HOST_VARIABLES} variables` });
  for (const [name, item] of entries) {
    const problem = hostVariableProblem(name, item);
    if (problem) problems.push(problem);
  }
  return problems;
}
