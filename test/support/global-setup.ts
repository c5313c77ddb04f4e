import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres, type EmbeddedServer } from '../../storage/embedded-postgres.js';
import { buildDist } from './cli-process.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A URL to a maintenance database on the test PostgreSQL server (may create databases). */
    pgAdminUrl: string;
  }
}

let server: EmbeddedServer | undefined;
let dir: string | undefined;

/**
 * One PostgreSQL for the whole run: `DATABASE_URL` when set, else an embedded server in a temp dir.
 * `dist/` is built once here, before any test file runs: the tests that drive the compiled CLI then
 * find it current, instead of several files compiling it at once on a loaded machine.
 */
export async function setup(project: TestProject): Promise<void> {
  await buildDist();
  if (process.env.DATABASE_URL) {
    project.provide('pgAdminUrl', process.env.DATABASE_URL);
    return;
  }
  dir = await mkdtemp(path.join(os.tmpdir(), 'parley-pg-'));
  server = await startEmbeddedPostgres({ dataDir: path.join(dir, 'data'), persistent: false });
  project.provide('pgAdminUrl', server.adminUrl);
}

export async function teardown(): Promise<void> {
  await server?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
}
