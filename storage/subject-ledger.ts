import { sql, type RawBuilder } from 'kysely';
import type { Db } from './database.js';
import type { StoreTable } from '../core/store-tables.js';
import { effectiveRetentionDays, expiryFrom } from './retention-sql.js';
import { purgeExpiredRows } from './expired-rows.js';

/**
 * The subject ledger (`store_subjects`, migration 0021): for each data subject, flow, table,
 * module and preview flag, an upper bound of what the store holds: rows written, the latest
 * `created_at`, and an `expires_at` that no live row of it passes.
 *
 * Why: a store table is partitioned by expiry, one partition per day of retention (about 60
 * live ones at the default retention), and a lookup by subject cannot be pruned: PostgreSQL plans
 * and probes every live partition, and that cost grows with the partition count (a wins count
 * took 5.9 ms on 62 partitions against 0.75 ms on 4). The ledger answers the common case, a
 * subject the flow has not seen (or not since the window began), with one primary-key probe;
 * only when it says "maybe" does the caller count the store's live rows, exactly as before.
 *
 * Invariants, each kept in the transaction that could break it:
 * - every row with a subject and a flow written into a ledgered table upserts its ledger row in
 *   the same statement (`subjectLedgerCte`), so storage off writes neither;
 * - a retention change raises `expires_at` to the latest row's expiry under the new retention
 *   (`raiseSubjectLedgerExpiry`), so a longer retention never outlives its bound;
 * - deleting rows leaves the bound an upper bound (a lookup then counts the store); erasing a
 *   subject or emptying a table removes their ledger rows; the sweeper purges expired ones.
 */

/** Tables looked up by subject (giveaway entries at most once, instant-win wins per participant). */
export const SUBJECT_LEDGER_TABLES: ReadonlySet<StoreTable> = new Set<StoreTable>(['participations', 'winners']);

/** Columns an insert into a ledgered table returns for `subjectLedgerCte`, besides the `id` and `expires_at` every store insert returns. */
export const LEDGER_RETURNING = sql`workspace_id, flow_id, subject_hash, module_id, preview, created_at, default_retention_days`;

/**
 * The ledger upsert for the rows an insert CTE named `inserted` stored (it must return
 * `LEDGER_RETURNING`), as one more CTE of the same statement; undefined for tables not ledgered.
 * A ledger row whose bound had passed starts its count again.
 */
export function subjectLedgerCte(table: StoreTable, inserted: string): RawBuilder<unknown> | undefined {
  if (!SUBJECT_LEDGER_TABLES.has(table)) return undefined;
  return sql`${sql.id(`ledger_${table}`)} as (
    insert into store_subjects as s (workspace_id, flow_id, subject_hash, table_name, module_id, preview,
      rows_written, last_created_at, default_retention_days, expires_at)
    select i.workspace_id, i.flow_id, i.subject_hash, ${sql.lit(table)}, i.module_id, i.preview,
      count(*), max(i.created_at), max(i.default_retention_days), max(i.expires_at)
    from ${sql.id(inserted)} i
    where i.subject_hash is not null and i.flow_id is not null
    group by i.workspace_id, i.flow_id, i.subject_hash, i.module_id, i.preview
    order by i.flow_id, i.subject_hash, i.module_id, i.preview
    on conflict (workspace_id, flow_id, subject_hash, table_name, module_id, preview) do update set
      rows_written = case when s.expires_at <= excluded.last_created_at then excluded.rows_written else s.rows_written + excluded.rows_written end,
      last_created_at = greatest(s.last_created_at, excluded.last_created_at),
      default_retention_days = greatest(s.default_retention_days, excluded.default_retention_days),
      expires_at = greatest(s.expires_at, excluded.expires_at))`;
}

/** Which ledger rows a lookup asks about: `moduleId` and `preview` narrow it when given. */
export interface SubjectKey {
  readonly workspaceId: string;
  readonly flowId: string;
  readonly hash: Buffer;
  readonly table: StoreTable;
  readonly moduleId?: string;
  readonly preview?: boolean;
}

/**
 * Whether the store may hold a live row for the key created at or after `since` (null: ever), as
 * SQL: false proves it holds none, true means the caller must count the store.
 */
export function subjectMaybeStored(key: SubjectKey, now: Date, since: Date | null = null): RawBuilder<boolean> {
  return sql<boolean>`exists (
    select 1 from store_subjects
    where workspace_id = ${key.workspaceId} and flow_id = ${key.flowId} and subject_hash = ${key.hash} and table_name = ${key.table}
      ${key.moduleId === undefined ? sql`` : sql`and module_id = ${key.moduleId}`}
      ${key.preview === undefined ? sql`` : sql`and preview = ${key.preview}`}
      and expires_at > ${now} ${since ? sql`and last_created_at >= ${since}` : sql``})`;
}

/**
 * After a retention change of the workspace (in its transaction, after the new retention is
 * written), and again when a table's move has run (for a row a turn wrote meanwhile under the
 * old retention, which the move then gave the new one): raises each ledger row's bound to its
 * latest row's expiry under the workspace's retention. Only `tables` when given.
 */
export async function raiseSubjectLedgerExpiry(db: Db, workspaceId: string, tables: Iterable<StoreTable> = SUBJECT_LEDGER_TABLES): Promise<void> {
  for (const table of tables) {
    if (!SUBJECT_LEDGER_TABLES.has(table)) continue;
    const days = effectiveRetentionDays(sql`w.retention`, table, sql`s.module_id`, sql`s.default_retention_days`);
    await sql`
      update store_subjects s set expires_at = ${expiryFrom(sql`s.last_created_at`, days)}
      from workspaces w
      where w.id = s.workspace_id and s.workspace_id = ${workspaceId} and s.table_name = ${table}
        and s.expires_at < ${expiryFrom(sql`s.last_created_at`, days)}`.execute(db);
  }
}

/** Removes the ledger rows of one subject of a workspace (erasure), or of one table (emptied), or of one flow in it. */
export async function forgetSubjectLedger(db: Db, workspaceId: string, which: { hash: Buffer } | { table: StoreTable; flowId?: string }): Promise<void> {
  const filter = 'hash' in which
    ? sql`subject_hash = ${which.hash}`
    : sql`table_name = ${which.table} ${which.flowId === undefined ? sql`` : sql`and flow_id = ${which.flowId}`}`;
  await sql`delete from store_subjects where workspace_id = ${workspaceId} and ${filter}`.execute(db);
}

/** Purges the ledger rows whose bound has passed, in batches of `batchSize`; returns how many went. */
export async function sweepSubjectLedger(db: Db, now: Date, batchSize: number, signal?: AbortSignal): Promise<number> {
  return purgeExpiredRows(db, 'store_subjects', now, batchSize, signal);
}
