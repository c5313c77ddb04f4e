import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertBulkRows } from '../../support/bulk-rows.js';
import { buildDist, runParley } from '../../support/cli-process.js';
import { spawnParley } from '../../support/parley-child.js';
import { createTestStorage, type TestStorage } from '../../support/test-database.js';
import { waitUntil } from '../../support/wait-until.js';
import { STORE_TABLES } from '../../../core/store-tables.js';
import { createWorkspace } from '../../../storage/workspace-repository.js';

const EXPIRED = 300_000;
const LIVE = 2_000;
const EXPIRED_LOG = 5_000;
/** The killed CLI's connections carry this name, so the test can see them leave `pg_stat_activity`. */
const APP = 'parley-fault-sweep';
const DAY = 86_400_000;

let storage: TestStorage;
let workspaceId: string;

beforeAll(async () => {
  [storage] = await Promise.all([createTestStorage(), buildDist()]);
  workspaceId = (await createWorkspace(storage, { name: 'Killed sweep' })).id;
  const now = Date.now();
  const old = { workspaceId, createdAt: new Date(now - 10 * DAY), expiresAt: new Date(now - DAY) };
  const fresh = { workspaceId, createdAt: new Date(now), expiresAt: new Date(now + DAY) };
  await insertBulkRows(storage.db, { ...old, table: 'participations', count: EXPIRED });
  await insertBulkRows(storage.db, { ...fresh, table: 'participations', count: LIVE });
  await insertBulkRows(storage.db, { ...old, table: 'runtime_log', count: EXPIRED_LOG });
  await insertBulkRows(storage.db, { ...fresh, table: 'runtime_log', count: LIVE });
}, 180_000);
afterAll(async () => storage?.destroy());

/** Expired and live rows of a store table, against the database's clock (the CLI sweeps with real time). */
async function counts(table: 'participations' | 'runtime_log'): Promise<{ expired: number; live: number }> {
  const result = await sql<{ expired: string; live: string }>`
    select count(*) filter (where expires_at <= now()) as expired, count(*) filter (where expires_at > now()) as live
    from ${sql.table(`store_${table}`)} where workspace_id = ${workspaceId}`.execute(storage.db);
  return { expired: Number(result.rows[0]!.expired), live: Number(result.rows[0]!.live) };
}

/** Advisory locks in this database held by anyone but pg-boss's own maintenance (application `parley-jobs`). */
async function advisoryLocks(): Promise<number> {
  const result = await sql<{ n: string }>`
    select count(*) as n from pg_locks l join pg_stat_activity a on a.pid = l.pid
    where l.locktype = 'advisory' and l.database = (select oid from pg_database where datname = current_database())
      and a.application_name <> 'parley-jobs'`.execute(storage.db);
  return Number(result.rows[0]!.n);
}

async function backendsOf(application: string): Promise<number> {
  const result = await sql<{ n: string }>`select count(*) as n from pg_stat_activity where application_name = ${application}`.execute(storage.db);
  return Number(result.rows[0]!.n);
}

describe('kill -9 during a sweep', () => {
  it('keeps committed batches deleted, leaves no lock and no half record, and the next sweep finishes the job', async () => {
    expect(await counts('participations')).toEqual({ expired: EXPIRED, live: LIVE });
    const sweep = spawnParley(['sweep', '--batch-size', '1000'], { databaseUrl: storage.url, masterKey: storage.masterKey, extra: { PGAPPNAME: APP } });
    const seen = await waitUntil(
      async () => {
        const { expired } = (await counts('participations'));
        return expired < EXPIRED ? expired : undefined;
      },
      { what: 'the sweep to commit its first batches', timeoutMs: 60_000, intervalMs: 10, describe: () => sweep.output() },
    );
    await sweep.kill();
    expect(await sweep.exited).toEqual({ code: null, signal: 'SIGKILL' });

    // PostgreSQL ends the dead client's backends (and their transaction-level locks) once it notices.
    await waitUntil(async () => (await backendsOf(APP)) === 0, { what: "the killed sweep's backends to end", timeoutMs: 30_000 });
    const afterKill = await counts('participations');
    expect(afterKill.expired).toBeLessThanOrEqual(seen);
    expect(afterKill.expired).toBeGreaterThan(0);
    expect(afterKill.live).toBe(LIVE);
    expect(await advisoryLocks()).toBe(0);
    // Counts are written once a whole sweep is done: a killed sweep leaves none.
    expect(await storage.db.selectFrom('sweep_runs').select('run_id').execute()).toEqual([]);

    const next = await runParley(['sweep', '--batch-size', '1000'], { databaseUrl: storage.url, masterKey: storage.masterKey });
    expect(next.code, next.stderr).toBe(0);
    expect(next.stdout).toContain(`participations\t${afterKill.expired} rows`);
    expect(next.stdout).toContain(`total\t${afterKill.expired + EXPIRED_LOG} rows`);
    expect(await counts('participations')).toEqual({ expired: 0, live: LIVE });
    expect(await counts('runtime_log')).toEqual({ expired: 0, live: LIVE });

    const runs = await storage.db.selectFrom('sweep_runs').select(['run_id', 'table_name', 'rows_deleted']).execute();
    expect(runs).toHaveLength(STORE_TABLES.length);
    expect(new Set(runs.map((r) => r.run_id)).size).toBe(1);
    expect([...runs.map((r) => r.table_name)].sort()).toEqual([...STORE_TABLES].sort());
    const deleted = Object.fromEntries(runs.map((r) => [r.table_name, Number(r.rows_deleted)]));
    expect(deleted).toMatchObject({ participations: afterKill.expired, runtime_log: EXPIRED_LOG, winners: 0 });
    expect(await advisoryLocks()).toBe(0);
  }, 120_000);
});
