import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_TABLES } from '../../../core/store-tables.js';
import { startServerProcess, type ServerProcess } from '../../support/server-process.js';
import { createTestStorage, type TestStorage } from '../../support/test-database.js';
import { waitUntil } from '../../support/wait-until.js';

/** Cron occurrences to watch: pg-boss crons have minute granularity, so this test takes 2–3 minutes of wall time. */
const MINUTES = 3;

let storage: TestStorage;
let dataDir: string;
let servers: ServerProcess[] = [];

beforeAll(async () => {
  storage = await createTestStorage();
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'parley-cron-once-'));
});
afterAll(async () => {
  await Promise.all(servers.map((server) => server.kill()));
  await storage?.destroy();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/** Sweep runs by the minute they started in: each run records one row per store table under one run id. */
async function sweepsByMinute(): Promise<Array<{ minute: string; runs: number; rows: number }>> {
  const result = await sql<{ minute: Date; runs: string; rows: string }>`
    select date_trunc('minute', started_at) as minute, count(distinct run_id) as runs, count(*) as rows
    from sweep_runs group by 1 order by 1`.execute(storage.db);
  return result.rows.map((r) => ({ minute: r.minute.toISOString(), runs: Number(r.runs), rows: Number(r.rows) }));
}

/** Jobs pg-boss created in a queue, by the minute they were created in. */
async function jobsByMinute(queue: string): Promise<Array<{ minute: string; jobs: number }>> {
  const result = await sql<{ minute: Date; jobs: string }>`
    select date_trunc('minute', created_on) as minute, count(*) as jobs from pgboss.job where name = ${queue} group by 1 order by 1`.execute(storage.db);
  return result.rows.map((r) => ({ minute: r.minute.toISOString(), jobs: Number(r.jobs) }));
}

describe('two processes that both schedule the crons at boot', () => {
  it('keep one schedule per name, and each minute fires one sweep and one export tick, not two', async () => {
    const env = { databaseUrl: storage.url, masterKey: storage.masterKey, extra: { PARLEY_SWEEP_CRON: '* * * * *', PARLEY_DATA_DIR: dataDir } };
    servers = await Promise.all([startServerProcess(env), startServerProcess(env)]);
    expect(servers[0]!.child.pid).not.toBe(servers[1]!.child.pid);

    const schedules = await sql<{ name: string; cron: string }>`select name, cron from pgboss.schedule order by name`.execute(storage.db);
    expect(schedules.rows).toEqual([
      { name: 'export-tick', cron: '* * * * *' },
      { name: 'sweep', cron: '* * * * *' },
    ]);

    const minutes = await waitUntil(async () => {
      const seen = await sweepsByMinute();
      return seen.length >= MINUTES ? seen : undefined;
    }, { what: `sweeps in ${MINUTES} distinct minutes`, timeoutMs: (MINUTES + 1) * 60_000, intervalMs: 1_000, describe: async () => JSON.stringify(await sweepsByMinute()) });
    expect(minutes).toEqual(minutes.map((m) => ({ minute: m.minute, runs: 1, rows: STORE_TABLES.length })));
    // Every sweep job pg-boss created ran once: one job per minute, as many jobs as recorded runs.
    const sweepJobs = await jobsByMinute('sweep');
    expect(sweepJobs.every((m) => m.jobs === 1)).toBe(true);
    expect(sweepJobs.length).toBeGreaterThanOrEqual(MINUTES);
    const ticks = await jobsByMinute('export-tick');
    expect(ticks.every((m) => m.jobs === 1)).toBe(true);
    expect(ticks.length).toBeGreaterThanOrEqual(MINUTES);
    // Both processes are still up: neither was kept from scheduling.
    for (const server of servers) expect((await fetch(`${server.url}/health`)).status).toBe(200);
  }, (MINUTES + 3) * 60_000);
});
