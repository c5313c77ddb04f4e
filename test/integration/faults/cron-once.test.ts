import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_TABLES } from '../../../core/store-tables.js';
import { startServerProcess, type ServerProcess } from '../../support/server-process.js';
import { createTestStorage, type TestStorage } from '../../support/test-database.js';
import { waitUntil } from '../../support/wait-until.js';

/** Cron occurrences to watch: pg-boss crons have minute granularity, so this test takes a few minutes of wall time. */
const MINUTES = 3;
/** Generous: the machine may be busy, and only the count of occurrences matters, never when they happen. */
const DEADLINE_MS = (MINUTES + 6) * 60_000;

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

/** Sweep runs by the cron occurrence they recorded: each run records one row per store table under one run id. */
async function sweepsByOccurrence(): Promise<Array<{ occurrence: string; runs: number; rows: number }>> {
  const result = await sql<{ occurrence: Date | null; runs: string; rows: string }>`
    select occurrence_at as occurrence, count(distinct run_id) as runs, count(*) as rows
    from sweep_runs group by 1 order by 1`.execute(storage.db);
  return result.rows.map((r) => ({ occurrence: r.occurrence?.toISOString() ?? 'none', runs: Number(r.runs), rows: Number(r.rows) }));
}

/** The occurrences of a cron job claimed so far (each is served by exactly one job). */
async function claimed(job: string): Promise<string[]> {
  const result = await sql<{ occurrence_at: Date }>`select occurrence_at from cron_occurrences where job_name = ${job} order by 1`.execute(storage.db);
  return result.rows.map((r) => r.occurrence_at.toISOString());
}

/** Jobs pg-boss created in a queue (cron fires, duplicates included). */
async function jobsCreated(queue: string): Promise<number> {
  const result = await sql<{ created: string }>`select count(*) as created from pgboss.job where name = ${queue}`.execute(storage.db);
  return Number(result.rows[0]!.created);
}

describe('two processes that both schedule the crons at boot', () => {
  it('keep one schedule per name, and each cron occurrence runs one sweep and one export tick, however often pg-boss fires it', async () => {
    const env = { databaseUrl: storage.url, masterKey: storage.masterKey, extra: { PARLEY_SWEEP_CRON: '* * * * *', PARLEY_DATA_DIR: dataDir } };
    servers = await Promise.all([startServerProcess(env), startServerProcess(env)]);
    expect(servers[0]!.child.pid).not.toBe(servers[1]!.child.pid);

    const schedules = await sql<{ name: string; cron: string }>`select name, cron from pgboss.schedule order by name`.execute(storage.db);
    expect(schedules.rows).toEqual([
      { name: 'export-tick', cron: '* * * * *' },
      { name: 'flow-close', cron: '* * * * *' },
      { name: 'sweep', cron: '* * * * *' },
    ]);

    const occurrences = await waitUntil(async () => {
      const seen = await sweepsByOccurrence();
      return seen.length >= MINUTES ? seen : undefined;
    }, { what: `sweeps of ${MINUTES} distinct occurrences`, timeoutMs: DEADLINE_MS, intervalMs: 1_000, describe: async () => JSON.stringify(await sweepsByOccurrence()) });
    // One run per occurrence, counted by the occurrence each run records (never by when it ran).
    expect(occurrences).toEqual(occurrences.map((o) => ({ occurrence: o.occurrence, runs: 1, rows: STORE_TABLES.length })));
    for (const o of occurrences) expect(new Date(o.occurrence).getUTCSeconds(), o.occurrence).toBe(0);
    // Every occurrence swept was claimed once; extra fires pg-boss may send are handled as no-ops.
    const sweepClaims = await claimed('sweep');
    expect(sweepClaims.length).toBe(new Set(sweepClaims).size);
    for (const o of occurrences) expect(sweepClaims).toContain(o.occurrence);
    expect(await jobsCreated('sweep')).toBeGreaterThanOrEqual(sweepClaims.length);
    const ticks = await waitUntil(async () => {
      const seen = await claimed('export-tick');
      return seen.length >= MINUTES ? seen : undefined;
    }, { what: `export ticks of ${MINUTES} occurrences`, timeoutMs: DEADLINE_MS, intervalMs: 1_000 });
    expect(ticks.length).toBe(new Set(ticks).size);
    // Both processes are still up: neither was kept from scheduling.
    for (const server of servers) expect((await fetch(`${server.url}/health`)).status).toBe(200);
  }, DEADLINE_MS * 2 + 60_000);
});
