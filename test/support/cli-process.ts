import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');

/**
 * The Node flags on bin/parley.js's first line (`#!/usr/bin/env -S node <flags>`), which
 * `npx parley` runs with: the helpers below start the CLI with them, as an operator's shell does.
 */
export function cliNodeFlags(): string[] {
  const shebang = readFileSync(path.join(root, 'bin/parley.js'), 'utf8').split('\n', 1)[0]!;
  const match = /^#!\/usr\/bin\/env -S node((?: --\S+)*)$/.exec(shebang);
  if (!match) throw new Error(`cannot read the Node flags of bin/parley.js: ${shebang}`);
  return match[1]!.split(' ').filter(Boolean);
}

/** Builds dist/ (incremental) so the compiled CLI is current. */
export function buildDist(): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile('npm', ['run', 'build'], { cwd: root }, (error, _stdout, stderr) => (error ? reject(new Error(stderr)) : resolve()));
  });
}

/** Runs the compiled `parley` CLI (bin/parley.js) in a child process, as an operator would (`extra`: more environment variables). */
export function runParley(
  args: string[],
  env: { databaseUrl: string; masterKey: string; dataDir?: string; nodeOptions?: string[]; extra?: Record<string, string> },
): Promise<{ code: number; stdout: string; stderr: string }> {
  const vars = { DATABASE_URL: env.databaseUrl, PARLEY_MASTER_KEY: env.masterKey, LOG_LEVEL: 'silent', ...(env.dataDir && { PARLEY_DATA_DIR: env.dataDir }), ...env.extra };
  return runParleyWith(args, { ...process.env, ...vars }, env.nodeOptions);
}

/** Runs the compiled `parley` CLI with exactly this environment (e.g. without DATABASE_URL). */
export function runParleyWith(args: string[], env: NodeJS.ProcessEnv, nodeOptions: string[] = []): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [...cliNodeFlags(), ...nodeOptions, 'bin/parley.js', ...args], { cwd: root, env, maxBuffer: 4 * 1024 * 1024 }, (error, stdout, stderr) =>
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** The environment of an operator's shell with the embedded default: no DATABASE_URL, no master key. */
export function embeddedEnv(dataDir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, PARLEY_DATA_DIR: dataDir, ...extra };
  for (const name of ['DATABASE_URL', 'PARLEY_MASTER_KEY', 'LOG_LEVEL', 'PARLEY_SWEEP_CRON', 'PARLEY_DEBUG']) if (!(name in extra)) delete env[name];
  return env;
}
