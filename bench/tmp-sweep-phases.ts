/**
 * Purging expired store rows, in one run on one database:
 * - after: the sweeper on the partitioned store (drops the partitions that have passed,
 *   batch-deletes only the current one) over `BENCH_ROWS` expired rows spread over 7 days of
 *   expiry, next to `BENCH_LIVE` live rows;
 * - reference: one bare `DELETE … WHERE expires_at < now()` of the same rows, under the same
 *   chat-like traffic as the sweep (target: sweep / bare ≤ 0.2);
 * - before: the former sweep (bounded DELETE batches) on an unpartitioned copy of the table.
 * Also the table's size after each purge against the size of its live rows alone (target
 * ≤ 1.1: no bloat left), and the p99 of a chat-like write transaction while the sweep runs
 * against the same transactions with no sweep (target ≤ 1.2).
 */
import { sql } from 'kysely';
import { benchDatabase, printTable } from './support/bench-database.js';
import { openDatabase, type DatabaseHandle } from '../storage/database.js';
import { migrateToLatest } from '../storage/migrator.js';
import { sweepExpired, sweepRelation } from '../storage/sweeper.js';
import { createPartition, readLayout } from '../storage/partition-maintenance.js';
import { floorDay } from '../storage/store-partitions.js';

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const LIVE = Number(process.env.BENCH_LIVE ?? 100_000);
const DAY = 86_400_000;
const WORKSPACE = '00000000-0000-4000-8000-000000000001';
type Db = DatabaseHandle['db'];

/** Expired rows over the 7 days before yesterday, then live rows expiring over the next 2 days. */
async function fill(db: Db, table: string): Promise<void> {
  const fillSql = (count: number, from: string, span: string) => sql`
    insert into ${sql.table(table)} (id, workspace_id, module_id, default_retention_days, created_at, expires_at, data)
    select gen_random_uuid(), ${WORKSPACE}, 'bench', 7, e - interval '7 days', e, jsonb_build_object('n', g)
    from generate_series(1, ${count}) g,
      lateral (select date_trunc('day', now(), 'UTC') + ${sql.raw(from)} + g * (${sql.raw(span)} / ${count}) as e) t`;
  await fillSql(ROWS, "interval '-8 days'", "interval '7 days'").execute(db);
  await fillSql(LIVE, "interval '1 day'", "interval '2 days'").execute(db);
  await sql`vacuum analyze ${sql.table(table)}`.execute(db);
}

/** Partitions for the filled days, as the sweeper would have created them ahead of the inserts. */
async function partitionsAhead(db: Db): Promise<void> {
  const today = floorDay(new Date());
  const existing = new Set((await readLayout(db, 'runtime_log')).attached.map((p) => p.lower.getTime()));
  for (let day = -8; day <= 3; day += 1) {
    const lower = new Date(today.getTime() + day * DAY);
    if (existing.has(lower.getTime())) continue;
    await createPartition(db, 'runtime_log', { lower, upper: new Date(lower.getTime() + DAY) }, 5000);
  }
}

/** Heap + index bytes of a table (with its partitions), and of a fresh copy of its live rows. */
async function sizes(db: Db, table: string): Promise<{ table: number; live: number }> {
  const total = await sql<{ bytes: string }>`
    select coalesce(sum(pg_total_relation_size(relid)), 0) as bytes
    from (select relid from pg_partition_tree(${table}::regclass) union select ${table}::regclass) tree`.execute(db);
  await sql`drop table if exists bench_live_copy`.execute(db);
  await sql`create table bench_live_copy (like ${sql.table(table)} including indexes)`.execute(db);
  await sql`insert into bench_live_copy select * from ${sql.table(table)} where expires_at > now()`.execute(db);
  const live = await sql<{ bytes: string }>`select pg_total_relation_size('bench_live_copy') as bytes`.execute(db);
  await sql`drop table bench_live_copy`.execute(db);
  return { table: Number(total.rows[0]!.bytes), live: Number(live.rows[0]!.bytes) };
}

/** Chat-like transactions (insert a row, count the subject's live rows) until `stop`; returns their latencies. */
async function chatLoad(db: Db, stop: () => boolean): Promise<number[]> {
  const latencies: number[] = [];
  let n = 0;
  while (!stop()) {
    const began = performance.now();
    await db.transaction().execute(async (trx) => {
      const subject = Buffer.from(`subject-${n % 500}`);
      await sql`
        insert into store_runtime_log (id, workspace_id, module_id, default_retention_days, created_at, expires_at, subject_hash, data)
        select gen_random_uuid(), w.id, 'chat', 7, now(), now() + interval '7 days', ${subject}, '{}' from workspaces w where w.id = ${WORKSPACE}`.execute(trx);
      await sql`select count(*) from store_runtime_log where workspace_id = ${WORKSPACE} and subject_hash = ${subject} and expires_at > now()`.execute(trx);
    });
    latencies.push(performance.now() - began);
    n += 1;
  }
  return latencies;
}

function p99(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))] ?? 0;
}

async function withChat<T>(db: Db, work: () => Promise<T>): Promise<{ result: T; ms: number; p99: number }> {
  let done = false;
  const load = chatLoad(db, () => done);
  const began = performance.now();
  const result = await work();
  const ms = performance.now() - began;
  done = true;
  return { result, ms, p99: p99(await load) };
}

const database = await benchDatabase();
const handle = openDatabase(database.url, { max: 4 });
try {
  const db = handle.db;
  await migrateToLatest(db);
  await sql`insert into workspaces (id, name) values (${WORKSPACE}, 'bench')`.execute(db);

  await partitionsAhead(db);
  await fill(db, 'store_runtime_log');
  const { classifyPartitions, defaultPartitionName } = await import('../storage/store-partitions.js');
  const { dropPartitions, createAhead } = await import('../storage/partition-maintenance.js');
  for (let k = 0; k < 2; k++) {
  if (k === 1) { await partitionsAhead(db); await fill(db, 'store_runtime_log'); await new Promise((r) => setTimeout(r, 3000)); }
  const now = new Date();
  let t = performance.now();
  const lap = (label: string) => { const n = performance.now(); console.log(label, (n - t).toFixed(1)); t = n; };
  const stats = await sql`select relname, n_ins_since_vacuum, n_mod_since_analyze, n_dead_tup, last_vacuum, last_autovacuum from pg_stat_user_tables where relname like 'store_runtime_log_p%' order by relname limit 3`.execute(db);
  console.log(stats.rows);
  lap('stats');
  const layout = await readLayout(db, 'runtime_log'); lap('layout');
  const { passed, current } = classifyPartitions(layout.attached, now);
  const dropped = await dropPartitions(db, 'runtime_log', passed); lap('drop ' + passed.length + ' ' + dropped);
  for (const rel of [...current.map((p) => p.name), defaultPartitionName('runtime_log')]) { await sweepRelation(db, 'runtime_log', rel, { now }, 5000); lap('sweep ' + rel); }
  await createAhead(db, 'runtime_log', now, 5000); lap('ahead');
  const bare0 = performance.now();
  }
  await partitionsAhead(db); await fill(db, 'store_runtime_log');
  const b0 = performance.now(); await sql`delete from store_runtime_log where expires_at < now()`.execute(db); console.log('bare', performance.now() - b0);
} finally {
  await handle.close();
  await database.close();
}
