import { afterAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { isAlive } from '../../runtime/embedded-server-record.js';

const root = path.resolve(import.meta.dirname, '../..');
let dataDir: string | undefined;
let child: ChildProcess | undefined;

afterAll(async () => {
  if (child && child.exitCode === null && child.signalCode === null) {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/**
 * Waits for a condition, polling, up to a generous deadline: `npm start` builds before it starts,
 * which takes minutes on a loaded 2-core machine. Not a timing assertion (speed lives in bench/).
 */
async function until<T>(probe: () => Promise<T | undefined>, deadlineMs: number): Promise<T> {
  const end = Date.now() + deadlineMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error('deadline passed');
    await new Promise((r) => setTimeout(r, 200));
  }
}

const STARTUP_DEADLINE_MS = 240_000;

describe('npm start without DATABASE_URL', () => {
  it('starts the embedded PostgreSQL, reaches /health 200, and Ctrl-C stops PostgreSQL', async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'parley-start-'));
    const env: NodeJS.ProcessEnv = { ...process.env, PARLEY_DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1' };
    delete env.DATABASE_URL;
    delete env.PARLEY_MASTER_KEY;
    let output = '';
    // A process group of its own, so the test can send Ctrl-C (SIGINT) the way a terminal does.
    child = spawn('npm', ['start'], { cwd: root, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));

    const url = await until(async () => /Parley is running at (\S+)/.exec(output)?.[1], STARTUP_DEADLINE_MS);
    const status = await until(async () => {
      const response = await fetch(`${url}/health`);
      return response.status === 200 ? response.status : undefined;
    }, STARTUP_DEADLINE_MS);
    expect(status).toBe(200);
    expect(output).toMatch(/admin API key \(shown once, keep it\): pk_\S+/);

    const postmaster = (await readFile(path.join(dataDir, 'pg', 'postmaster.pid'), 'utf8')).split('\n');
    const postgresPid = Number(postmaster[0]);
    expect(isAlive(postgresPid)).toBe(true);
    // How parley commands reach this server's database: recorded in the data dir while it runs.
    const record = JSON.parse(await readFile(path.join(dataDir, 'server.json'), 'utf8')) as { pid: number; port: number; postgresPid: number };
    expect(record).toMatchObject({ port: Number(postmaster[3]), postgresPid });
    expect(isAlive(record.pid)).toBe(true);
    process.kill(-child.pid!, 'SIGINT');
    await once(child, 'exit');
    await until(async () => (isAlive(postgresPid) ? undefined : true), STARTUP_DEADLINE_MS);
    expect(isAlive(postgresPid)).toBe(false);
    expect(output).toContain('stopped');
    expect(existsSync(path.join(dataDir, 'server.json'))).toBe(false);
  }, 3 * STARTUP_DEADLINE_MS);
});
