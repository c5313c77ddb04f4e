import { ParleyError } from '../core/errors.js';

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
  const reason = reasonOf(error);
  return reason ? `unexpected error: ${reason}` : 'unexpected error (set PARLEY_DEBUG=1 for details)';
}

/**
 * The first line of an error's message and of its causes', joined: `Database migration failed:
 * connect ECONNREFUSED 127.0.0.1:5432`. Empty when none has a message.
 */
export function reasonOf(error: unknown): string {
  const lines: string[] = [];
  for (let e: unknown = error; e !== undefined && e !== null && lines.length < 4; e = e instanceof Error ? e.cause : undefined) {
    const line = (e instanceof Error ? e.message : String(e)).split('\n')[0]!.trim();
    if (line && !lines.includes(line)) lines.push(line);
  }
  return lines.join(': ').slice(0, 300);
}
