import { execFile } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');

/** Builds dist/ (incremental) so the compiled CLI is current. */
export function buildDist(): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile('npm', ['run', 'build'], { cwd: root }, (error, _stdout, stderr) => (error ? reject(new Error(stderr)) : resolve()));
  });
}

/** Runs the compiled `parley` CLI (bin/parley.js) in a child process, as an operator would. */
export function runParley(args: string[], env: { databaseUrl: string; masterKey: string; dataDir?: string; nodeOptions?: string[] }): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [...(env.nodeOptions ?? []), 'bin/parley.js', ...args], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: env.databaseUrl, PARLEY_MASTER_KEY: env.masterKey, LOG_LEVEL: 'silent', ...(env.dataDir && { PARLEY_DATA_DIR: env.dataDir }) },
      maxBuffer: 4 * 1024 * 1024,
    }, (error, stdout, stderr) => resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }));
  });
}
