/**
 * Sweep of 1,000,000 expired rows (bounded batches, SKIP LOCKED) against one bare
 * `DELETE … WHERE expires_at < now()` on the same data, in the same run. Target ratio ≤ 1.5.
 * Rows are written the way the runtime writes them: created one after another, each expiring
 * its retention later, so expiry order follows insertion order.
 */
import { sql } from 'kysely';
import { benchDatabase, printTable } from './support/bench-database.js';
import { openDatabase } from '../storage/database.js';
import { migrateToLatest } from '../storage/migrator.js';
import { sweepExpired } from '../storage/sweeper.js';

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);

async function fill(db: ReturnType<typeof openDatabase>['db'], workspaceId: string): Promise<void> {
  await sql`
    insert into store_runtime_log (id, workspace_id, module_id, default_retention_days, created_at, expires_at, data)
    select gen_random_uuid(), ${workspaceId}, 'bench', 7, c, c + interval '7 days', jsonb_build_object('n', g)
    from generate_series(1, ${ROWS}) g, lateral (select now() - interval '9 days' + g * interval '1 millisecond' as c) t`.execute(db);
  await sql`vacuum analyze store_runtime_log`.execute(db);
}

const database = await benchDatabase();
const handle = openDatabase(database.url, { max: 2 });
try {
  await migrateToLatest(handle.db);
  const workspaceId = '00000000-0000-4000-8000-000000000001';
  await sql`insert into workspaces (id, name) values (${workspaceId}, 'bench')`.execute(handle.db);

  await fill(handle.db, workspaceId);
  let began = performance.now();
  const report = await sweepExpired(handle.db, { now: new Date(), tables: ['runtime_log'] });
  const sweepMs = performance.now() - began;

  await fill(handle.db, workspaceId);
  began = performance.now();
  const bare = await sql`delete from store_runtime_log where expires_at < now()`.execute(handle.db);
  const bareMs = performance.now() - began;

  printTable(`sweep vs bare DELETE (${ROWS.toLocaleString('en')} expired rows)`, [
    ['sweep (batches of 5,000)', `${sweepMs.toFixed(0)} ms, ${report.rowsDeleted} rows, ${report.tables[0]?.batches} batches`],
    ['bare DELETE', `${bareMs.toFixed(0)} ms, ${Number(bare.numAffectedRows)} rows`],
    ['ratio sweep / bare', `${(sweepMs / bareMs).toFixed(2)} (target ≤ 1.5)`],
  ]);
  process.stdout.write(`RESULT sweep_vs_delete_ratio=${(sweepMs / bareMs).toFixed(3)}\n`);
} finally {
  await handle.close();
  await database.close();
}
