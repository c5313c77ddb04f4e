import { ParleyError } from './errors.js';

/**
 * The one line an operator reads when the server or the CLI gives up: `<path>: <message>` for a
 * ParleyError (a config error's path is the variable's name), the error's own first line otherwise.
 * With `PARLEY_DEBUG` set the stack (and causes) follow, for a developer.
 */
export function describeFailure(error: unknown, env: NodeJS.ProcessEnv = process.env): string {
  const line = error instanceof ParleyError ? `${error.path ? `${error.path}: ` : ''}${error.message}` : firstLine(error);
  if (!env.PARLEY_DEBUG) return line;
  const stacks: string[] = [];
  for (let e: unknown = error; e instanceof Error && stacks.length < 5; e = e.cause) stacks.push(e.stack ?? e.message);
  return `${line}\n${stacks.join('\ncaused by: ')}`;
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message || error.name : String(error ?? 'unknown error');
  const line = text.split('\n')[0]!.trim().slice(0, 300);
  return line ? `unexpected error: ${line}` : 'unexpected error (set PARLEY_DEBUG=1 for details)';
}
