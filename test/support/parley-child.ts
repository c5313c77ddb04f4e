import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { cliNodeFlags } from './cli-process.js';

const root = path.resolve(import.meta.dirname, '../..');

/** The compiled `parley` CLI running in a child process that a test may kill mid-command. */
export interface ParleyChild {
  readonly child: ChildProcess;
  /** stdout and stderr so far. */
  output(): string;
  /** Resolves with the exit code (null when a signal ended it) and the signal. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGKILL, then waits for the exit. */
  kill(): Promise<void>;
}

/**
 * Starts `bin/parley.js ARGS` (build `dist/` first with `buildDist()`) against `databaseUrl`,
 * without waiting for it: the caller watches the database and may kill it at any moment.
 * `extra` adds environment variables (e.g. `PGAPPNAME` to find its connections in `pg_stat_activity`).
 */
export function spawnParley(args: readonly string[], env: { databaseUrl: string; masterKey: string; extra?: Record<string, string> }): ParleyChild {
  const child = spawn(process.execPath, [...cliNodeFlags(), 'bin/parley.js', ...args], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: env.databaseUrl, PARLEY_MASTER_KEY: env.masterKey, LOG_LEVEL: 'silent', ...env.extra },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = once(child, 'exit').then(([code, signal]) => ({ code: code as number | null, signal: signal as NodeJS.Signals | null }));
  return {
    child,
    output: () => output,
    exited,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
