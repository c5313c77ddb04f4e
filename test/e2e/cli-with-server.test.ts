import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDist, embeddedEnv, runParleyWith } from '../support/cli-process.js';
import { insertBulkRows } from '../support/bulk-rows.js';
import { waitUntil } from '../support/wait-until.js';
import { generateMasterKey } from '../../storage/crypto/master-key.js';
import { openDatabase } from '../../storage/database.js';
import { embeddedDatabaseUrl, freePort, startEmbeddedPostgres } from '../../storage/embedded-postgres.js';
import { isAlive } from '../../runtime/embedded-server-record.js';

// Bug: with `npm start` running on the embedded default, `parley sweep` in the same folder started
// a second PostgreSQL on the locked data directory and exited 1 without a word.
const root = path.resolve(import.meta.dirname, '../..');
let dataDir: string;
let server: ChildProcess | undefined;
let output = '';

/** `npm start` as it runs after its build: the compiled server, in its own process group. */
function startServer(extra: Record<string, string> = {}): ChildProcess {
  const env = embeddedEnv(dataDir, { PORT: '0', HOST: '127.0.0.1', PARLEY_SWEEP_CRON: '0 0 1 1 *', ...extra });
  const child = spawn(process.execPath, ['dist/runtime/main.js'], { cwd: root, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return child;
}

const parley = (args: string[]) => runParleyWith(args, embeddedEnv(dataDir));

beforeAll(async () => {
  await buildDist();
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'parley-cli-server-'));
});

afterAll(async () => {
  if (server && server.exitCode === null && server.signalCode === null) {
    try {
      process.kill(-server.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  const postgres = Number((await readFile(path.join(dataDir, 'pg', 'postmaster.pid'), 'utf8').catch(() => '')).split('\n')[0]);
  if (postgres > 0 && isAlive(postgres)) process.kill(postgres, 'SIGQUIT');
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/** Starting a server and several CLI processes takes minutes on a loaded 2-core machine (not a speed claim). */
const LOADED_MACHINE_TIMEOUT_MS = 600_000;

describe('parley commands next to a running server on the embedded PostgreSQL', () => {
  it("use the server's database, and start their own once it has stopped", async () => {
    server = startServer();
    const url = await waitUntil(() => /Parley is running at (\S+)/.exec(output)?.[1], { what: 'the server to start', timeoutMs: 240_000, describe: () => output });
    const record = JSON.parse(await readFile(path.join(dataDir, 'server.json'), 'utf8')) as { pid: number; port: number; postgresPid: number };
    expect(record.pid).toBe(server.pid);
    expect((await stat(path.join(dataDir, 'server.json'))).mode & 0o777).toBe(0o600);

    // workspace create: the server itself then accepts the key the CLI printed.
    const created = await parley(['workspace', 'create', '--name', 'Ops', '--time-zone', 'Europe/Paris']);
    expect(created, created.stderr).toMatchObject({ code: 0, stderr: '' });
    const workspaceId = /workspace: (\S+)/.exec(created.stdout)![1]!;
    const key = /api key: (pk_\S+)/.exec(created.stdout)![1]!;
    const response = await fetch(`${url}/api/v1/workspace`, { headers: { authorization: `Bearer ${key}` } });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ id: workspaceId, name: 'Ops', timeZone: 'Europe/Paris' });

    // sweep: deletes expired rows from the server's database (the server's own sweep is set to New Year).
    const handle = openDatabase(embeddedDatabaseUrl(record.port, 'parley'), { max: 1 });
    try {
      await insertBulkRows(handle.db, { workspaceId, table: 'codes', count: 37, createdAt: new Date(Date.now() - 86_400_000), expiresAt: new Date(Date.now() - 60_000) });
      const [swept, other] = await Promise.all([parley(['sweep']), parley(['key', 'create', '--workspace', workspaceId, '--name', 'second'])]);
      expect(swept, swept.stderr).toMatchObject({ code: 0, stderr: '' });
      expect(swept.stdout).toMatch(/^codes\t37 rows\t/m);
      expect(other, other.stderr).toMatchObject({ code: 0, stderr: '' });
      const keys = await sql<{ n: string }>`select count(*) as n from api_keys where workspace_id = ${workspaceId}`.execute(handle.db);
      expect(Number(keys.rows[0]!.n)).toBe(2);
    } finally {
      await handle.close();
    }

    // A second server on the same data directory is refused with a reason.
    let secondOutput = '';
    const second = spawn(process.execPath, ['dist/runtime/main.js'], { cwd: root, env: embeddedEnv(dataDir, { PORT: '0', HOST: '127.0.0.1' }), stdio: ['ignore', 'pipe', 'pipe'] });
    second.stderr!.on('data', (chunk: Buffer) => (secondOutput += chunk.toString()));
    const [secondCode] = (await once(second, 'exit')) as [number];
    expect(secondCode).toBe(1);
    expect(secondOutput).toBe(`parley: PARLEY_DATA_DIR: a Parley server (pid ${record.pid}) already runs on ${dataDir}; stop it first or set another PARLEY_DATA_DIR\n`);

    // Clean stop: the record goes with the server, and the CLI starts (and stops) its own PostgreSQL.
    process.kill(-server.pid!, 'SIGINT');
    await once(server, 'exit');
    await waitUntil(() => !isAlive(record.postgresPid), { what: 'PostgreSQL to stop', timeoutMs: 120_000 });
    expect(existsSync(path.join(dataDir, 'server.json'))).toBe(false);
    const alone = await parley(['sweep']);
    expect(alone, alone.stderr).toMatchObject({ code: 0, stderr: '' });
    expect(alone.stdout).toMatch(/^codes\t0 rows\t/m);
    expect(existsSync(path.join(dataDir, 'pg', 'postmaster.pid'))).toBe(false);
  }, LOADED_MACHINE_TIMEOUT_MS);

  it('ignore a stale record; refuse with a reason an unreachable or differently keyed server and a PostgreSQL that another command holds', async () => {
    // A record left by a server that died without cleaning up: its pid is gone.
    const dead = spawn(process.execPath, ['-e', '']);
    await once(dead, 'exit');
    await writeFile(path.join(dataDir, 'server.json'), JSON.stringify({ pid: dead.pid, port: 1, postgresPid: dead.pid, masterKey: 'file' }), { mode: 0o600 });
    const stale = await parley(['workspace', 'create', '--name', 'After crash']);
    expect(stale, stale.stderr).toMatchObject({ code: 0, stderr: '' });

    // A live server whose database does not answer, or that takes its master key from its
    // environment while this shell has none: the command says so instead of guessing.
    const port = await freePort();
    const record = { pid: process.pid, port, postgresPid: process.pid, masterKey: 'file' };
    await writeFile(path.join(dataDir, 'server.json'), JSON.stringify(record), { mode: 0o600 });
    const unreachable = await parley(['sweep']);
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toMatch(new RegExp(`^parley: cannot reach the database of the running server \\(pid ${process.pid}, PostgreSQL port ${port}\\): .*ECONNREFUSED 127\\.0\\.0\\.1:${port}\n$`));
    await writeFile(path.join(dataDir, 'server.json'), JSON.stringify({ ...record, masterKey: 'environment' }), { mode: 0o600 });
    const keyless = await parley(['workspace', 'create', '--name', 'No key']);
    expect(keyless).toMatchObject({ code: 1, stdout: '' });
    expect(keyless.stderr).toBe(`parley: PARLEY_MASTER_KEY: the running server (pid ${process.pid}) takes its master key from its environment; set the same here\n`);

    await writeFile(path.join(dataDir, 'server.json'), JSON.stringify(record), { mode: 0o600 });
    const otherKey = await runParleyWith(['workspace', 'create', '--name', 'Other key'], embeddedEnv(dataDir, { PARLEY_MASTER_KEY: generateMasterKey() }));
    expect(otherKey).toMatchObject({ code: 1, stdout: '' });
    expect(otherKey.stderr).toBe(`parley: PARLEY_MASTER_KEY: differs from the key of the running server (pid ${process.pid}) in ${dataDir}/master.key; unset it here\n`);

    // Another parley command holds the embedded PostgreSQL (it started it; no server.json).
    await rm(path.join(dataDir, 'server.json'), { force: true });
    const held = await startEmbeddedPostgres({ dataDir: path.join(dataDir, 'pg'), persistent: true });
    try {
      const refused = await parley(['sweep']);
      expect(refused.code).toBe(1);
      expect(refused.stdout).toBe('');
      expect(refused.stderr).toMatch(/^parley: PARLEY_DATA_DIR: the embedded PostgreSQL in \S+ is in use by another process \(postgres pid \d+\), probably another parley command; wait for it to finish and retry\n$/);
    } finally {
      await held.stop();
    }
  }, LOADED_MACHINE_TIMEOUT_MS);
});
