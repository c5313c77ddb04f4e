import { sql, type RawBuilder } from 'kysely';
import type { Db } from './database.js';
import { executeAfter, executeAndCommit } from './pipelining-driver.js';
import { physicalTable, TABLE_DEFAULT_RETENTION_DAYS, type StoreTable } from '../core/store-tables.js';
import { chunkFor, aheadTargets, defaultPartitionName, parsePartitionName, partitionName, type PartitionRange } from './store-partitions.js';

/**
 * Creating and dropping the partitions of a store table (layout in store-partitions.ts). The
 * sweeper calls these while it holds the table's maintenance lock, so two processes never run
 * them on one table at once; each step is safe with chat traffic inserting at the same time.
 *
 * Locks, measured on PostgreSQL 18: ATTACH takes SHARE UPDATE EXCLUSIVE on the parent and ACCESS
 * EXCLUSIVE on the default partition while it checks that none of its rows belongs to the new
 * range; the creation adds a SHARE lock on the parent around it (see `createPartition`). DROP of an attached partition takes ACCESS EXCLUSIVE on the
 * parent for the drop itself only (no scan), and, unlike DETACH + DROP, no lock on
 * `workspaces`. Both run under a short `lock_timeout`: a long reader (an export streaming the
 * table) makes the step give up until the next sweep instead of queueing chat behind it.
 */

const LOCK_TIMEOUT = sql.lit('500ms');

/** PostgreSQL error codes this file handles. */
const LOCK_NOT_AVAILABLE = '55P03';
const DEADLOCK = '40P01';

function pgCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** A table's partitions: attached ones, and tables a crashed creation left unattached. */
export interface PartitionLayout {
  readonly attached: PartitionRange[];
  readonly unattached: PartitionRange[];
}

export async function readLayout(db: Db, table: StoreTable): Promise<PartitionLayout> {
  const parent = physicalTable(table);
  const result = await sql<{ relname: string; attached: boolean }>`
    select c.relname, c.relispartition as attached from pg_class c
    where c.relkind = 'r' and pg_table_is_visible(c.oid) and c.relname ~ ${`^${parent}_p[0-9]{8}_[0-9]{8}$`}`.execute(db);
  const layout: PartitionLayout = { attached: [], unattached: [] };
  for (const row of result.rows) {
    const range = parsePartitionName(table, row.relname);
    if (range) (row.attached ? layout.attached : layout.unattached).push(range);
  }
  layout.attached.sort((a, b) => a.lower.getTime() - b.lower.getTime());
  return layout;
}

/** Moves the rows of `from` that `where` picks into `to`, in bounded batches (statements; each commits on its own unless `db` is a transaction). */
async function moveRows(db: Db, from: string, to: string, where: RawBuilder<boolean>, batchSize: number): Promise<void> {
  const source = sql.table(from);
  for (;;) {
    const moved = await sql`
      with picked as (select ctid from ${source} where ${where} limit ${batchSize}),
      moved as (delete from ${source} where ctid = any(array(select ctid from picked)) returning *)
      insert into ${sql.table(to)} select * from moved`.execute(db);
    if (Number(moved.numAffectedRows ?? 0) === 0) return;
  }
}

/** Moves the default partition's rows of `[lower, upper)` into the (unattached) table `target`. */
function moveFromDefault(db: Db, table: StoreTable, target: string, range: { lower: Date; upper: Date }, batchSize: number): Promise<void> {
  return moveRows(db, defaultPartitionName(table), target, sql<boolean>`expires_at >= ${range.lower} and expires_at < ${range.upper}`, batchSize);
}

/**
 * Puts the rows of `leftover`, an unattached partition-shaped table that a creation interrupted
 * by a crash left behind (versions before creations ran in one transaction committed each batch
 * of their move), back into the store table, where they are readable again (in the default
 * partition, since the range is not attached), and drops the table. The next creation of the
 * range moves them as any other rows.
 */
async function restoreLeftover(db: Db, table: StoreTable, leftover: string, batchSize: number): Promise<void> {
  await moveRows(db, leftover, physicalTable(table), sql<boolean>`true`, batchSize);
  await sql`drop table ${sql.table(leftover)}`.execute(db);
}

/**
 * Creates the partition `[lower, upper)` of a store table in one transaction, without holding
 * writers back for more than the attach: a plain table shaped like the parent receives the
 * default partition's rows of that range (bounded batches), gets a CHECK constraint equal to its
 * bounds (so ATTACH need not scan it), and is attached, the last rows moved while inserts into
 * the table wait (milliseconds). Readers see the rows in the default partition until the commit
 * and in the new one after it, never neither: when the move committed batch by batch, an export
 * running meanwhile left out the rows already moved (5,000 of 20,000 once, in a run that then
 * reported success). A writer that changes a row being moved holds the parent's ROW EXCLUSIVE
 * lock while it waits for the move, so the SHARE lock cannot be had and the creation gives up:
 * no change to a moved row is lost. Returns false when a lock could not be had in time; the
 * transaction is rolled back, the rows stay where they were, and the next sweep tries again.
 */
export async function createPartition(db: Db, table: StoreTable, range: { lower: Date; upper: Date }, batchSize: number): Promise<boolean> {
  const parent = sql.table(physicalTable(table));
  const name = partitionName(table, range.lower, range.upper);
  const lower = sql.lit(range.lower.toISOString());
  const upper = sql.lit(range.upper.toISOString());
  try {
    await db.transaction().execute(async (trx) => {
      await sql`set local lock_timeout = ${LOCK_TIMEOUT}`.execute(trx);
      await sql`create table ${sql.table(name)} (like ${parent} including defaults including constraints)`.execute(trx);
      await moveFromDefault(trx, table, name, range, batchSize);
      await sql`alter table ${sql.table(name)} add constraint ${sql.id(`${name}_bounds`)} check (expires_at >= ${lower} and expires_at < ${upper})`.execute(trx);
      // SHARE lets readers on but waits for the inserts in flight and holds new ones until the
      // commit: an insert already routed to the default would otherwise fail its partition
      // check once the new range is attached. The rows that arrived since the move above are
      // the last ones: move them, then attach (the default scan is short, it is drained).
      await sql`lock table ${parent} in share mode`.execute(trx);
      await moveFromDefault(trx, table, name, range, batchSize);
      await sql`alter table ${parent} attach partition ${sql.table(name)} for values from (${lower}) to (${upper})`.execute(trx);
    });
    return true;
  } catch (error) {
    if (pgCode(error) !== LOCK_NOT_AVAILABLE && pgCode(error) !== DEADLOCK) throw error;
    return false;
  }
}

/** Partitions at least this big are counted from the catalogue when nothing changed since their last vacuum. */
export const CATALOGUE_COUNT_MIN_ROWS = 100_000;

/**
 * The rows of a partition, for `sweep_runs`, cheaply and in one statement: a big partition
 * untouched since its last VACUUM (autovacuum visits every partition that took inserts) is
 * counted from the catalogue (`pg_class.reltuples`, which a VACUUM that scanned the whole table
 * sets to the exact number of live rows; an estimate after a partial one); any other is counted
 * exactly with `count(*)`, a sub-select that PostgreSQL runs only when the other branch is not taken.
 * The statistics are read by the functions behind `pg_stat_user_tables`, for this table alone (the
 * view's plan cost 0.8 ms a call on a warm connection, the functions 0.2).
 */
function rowCount(relation: string): RawBuilder<{ rows: number }> {
  return sql<{ rows: number }>`
    select case when pg_stat_get_ins_since_vacuum(c.oid) = 0 and pg_stat_get_mod_since_analyze(c.oid) = 0 and pg_stat_get_dead_tuples(c.oid) = 0
        and coalesce(pg_stat_get_last_vacuum_time(c.oid), pg_stat_get_last_autovacuum_time(c.oid)) is not null and c.reltuples >= ${CATALOGUE_COUNT_MIN_ROWS}
      then round(c.reltuples)::float8 else (select count(*) from ${sql.table(relation)})::float8 end as rows
    from pg_class c where c.oid = ${relation}::regclass`;
}

/**
 * Drops the partitions whose whole range has passed: O(1) each, no dead tuples. Each goes in its
 * own transaction, oldest first: its rows are counted (for `sweep_runs`, see `rowCount`) under a
 * SHARE lock on it, which lets readers on and keeps writers (a retention change moving a row into
 * the past) out until the drop; a consent partition first takes its rows' confirmations along.
 * The DROP holds ACCESS EXCLUSIVE on the parent, so chat inserts into the table wait for it: about
 * 1.3 ms per partition on the 2-core machine (catalogue work; the files are freed after commit,
 * once the locks are released). Measured beside a loop of chat-like transactions on 1,000,000
 * expired rows: one DROP of eight partitions took 10–11 ms and the slowest transaction 10–18 ms;
 * one partition per transaction, 5–8 ms. A partition's transaction is two round trips: the lock
 * and the count go out with BEGIN, the DROP with COMMIT, so the parent's lock is never held
 * across a round trip to this process (it was five, the COMMIT one more after the DROP's). Stops
 * at the first partition whose locks could not be had in time (the rest stay hidden until the
 * next sweep), and when `signal` aborts.
 *
 * `DETACH PARTITION … CONCURRENTLY` then DROP would take no lock on the parent that inserts wait
 * for, but PostgreSQL refuses it while a default partition exists, and the detached table's
 * foreign key would be dropped with ACCESS EXCLUSIVE on `workspaces`. Measured anyway, on a
 * store-shaped table with neither (PostgreSQL 15, 2 cores, 1,000,000 expired rows in 8
 * partitions, a chat-like transaction looping beside): the slowest transaction while the
 * partitions went was no better than with DROP (8.4 against 8.9–9.5 ms with online discard;
 * 5.8–11.1 against 3.1–7.0 ms without), and the purge was slower. What slows chat during a purge
 * is the freeing of the files and the two cores it shares, not this lock.
 */
export async function dropPartitions(db: Db, table: StoreTable, partitions: readonly PartitionRange[], signal?: AbortSignal): Promise<{ rows: number; partitions: number }> {
  const dropped = { rows: 0, partitions: 0 };
  for (const partition of partitions) {
    if (signal?.aborted) break;
    const rows = await dropPartition(db, table, partition);
    if (rows === null) break;
    dropped.rows += rows;
    dropped.partitions += 1;
  }
  return dropped;
}

/** Drops one partition (see `dropPartitions`): its rows, or null when its locks could not be had in time. */
async function dropPartition(db: Db, table: StoreTable, partition: PartitionRange): Promise<number | null> {
  const name = sql.table(partition.name);
  try {
    return await db.transaction().execute(async (trx) => {
      const locked = [sql`set local lock_timeout = ${LOCK_TIMEOUT}`.compile(trx), sql`lock table ${name} in share mode`.compile(trx)];
      const counted = await executeAfter(trx, locked, rowCount(partition.name).compile(trx));
      const confirmations = table === 'consents' ? [sql`delete from consent_confirmations k using ${name} c where k.consent_id = c.id`.compile(trx)] : [];
      await executeAndCommit(trx, sql`drop table ${name}`.compile(trx), confirmations);
      return Number(counted.rows[0]!.rows);
    });
  } catch (error) {
    if (pgCode(error) === LOCK_NOT_AVAILABLE || pgCode(error) === DEADLOCK) return null;
    throw error;
  }
}

/**
 * The retentions rows of this table get: the table's default, every workspace override for it,
 * and those stamped on rows waiting in the default partition (a module whose default differs).
 */
async function retentionsInUse(db: Db, table: StoreTable): Promise<number[]> {
  const result = await sql<{ days: number }>`
    select (w.retention -> 'tables' ->> ${table})::int as days from workspaces w where w.retention -> 'tables' ? ${table}
    union
    select (m.value ->> ${table})::int from workspaces w, jsonb_each(w.retention -> 'modules') m where m.value ? ${table}
    union
    select distinct default_retention_days from ${sql.table(defaultPartitionName(table))}`.execute(db);
  return [TABLE_DEFAULT_RETENTION_DAYS[table], ...result.rows.map((r) => r.days).filter((d) => Number.isInteger(d) && d > 0)];
}

/**
 * Makes sure partitions exist ahead of the inserts to come and for every live row waiting in
 * the default partition, after putting back the rows of creations a crash interrupted (see
 * `restoreLeftover`). Returns how many it made.
 */
export async function createAhead(db: Db, table: StoreTable, now: Date, batchSize: number): Promise<number> {
  const layout = await readLayout(db, table);
  for (const leftover of layout.unattached) await restoreLeftover(db, table, leftover.name, batchSize);
  let attached = layout.attached;
  let created = 0;
  const waiting = await sql<{ day: Date }>`
    select distinct date_trunc('day', expires_at, 'UTC') as day from ${sql.table(defaultPartitionName(table))} where expires_at > ${now}`.execute(db);
  const targets = [...aheadTargets(now, await retentionsInUse(db, table)), ...waiting.rows.map((r) => (r.day > now ? r.day : now))];
  for (const target of targets) {
    const range = chunkFor(target, now, attached);
    if (!range) continue;
    if (!(await createPartition(db, table, range, batchSize))) continue;
    created += 1;
    attached = [...attached, { name: partitionName(table, range.lower, range.upper), ...range }];
  }
  return created;
}
