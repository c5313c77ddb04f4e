import { sql, type CompiledQuery, type RawBuilder } from 'kysely';
import type { Db } from './database.js';
import { inTransaction, transactionLockStatement, type StoreContext } from './store-context.js';
import { physicalTable } from '../core/store-tables.js';
import { liveRow } from './retention-move.js';
import { type StoreWrite, type WriteResult } from './store-writer.js';
import { writeStoreRow } from './store-batch-writer.js';
import { executeAfter } from './pipelining-driver.js';
import { SUBJECT_LEDGER_TABLES, subjectMaybeStored, type SubjectKey } from './subject-ledger.js';

export type AtMostResult = WriteResult | { readonly stored: false; readonly reason: 'already_exists' };

/**
 * Writes a row unless the same subject already has a live row in that table for that flow
 * created at or after `since` (null: ever); preview rows count only for preview sessions and the
 * others only for the others, so trying a flow in the console never uses up a real entry. A transaction-level advisory lock on
 * (workspace, flow, table, subject) makes the check and the insert atomic across processes.
 *
 * The guarantee rests on that lock, not on a unique index, so it holds unchanged on the
 * partitioned stores (where a unique index would have to include `expires_at`, and two entries
 * with different expiries would both pass it). The check reads every partition whose rows are
 * live (`liveRow`); a retention move changes a row's partition in one statement, so the check
 * sees the row before or after the move, never neither. The subject ledger (subject-ledger.ts)
 * answers first, with the lock in the same round trip; the store is counted only when it cannot
 * rule an entry out.
 */
export async function writeStoreRowAtMost(
  ctx: StoreContext,
  workspaceId: string,
  write: StoreWrite & { subject: string; flowId: string },
  since: Date | null,
): Promise<AtMostResult> {
  return inTransaction(ctx, async (trx): Promise<AtMostResult> => {
    if (await holdSubjectEntry(trx, workspaceId, write, since)) return { stored: false, reason: 'already_exists' };
    return writeStoreRow(trx, workspaceId, write);
  });
}

/**
 * The check of `writeStoreRowAtMost` alone, in the caller's transaction (`ctx.db` must be one):
 * takes the subject's lock, held until that transaction ends, and says whether the subject already
 * has a live row in the table for the flow created at or after `since`. When it has none, a row
 * written by the same transaction (then or with its last statement) is its only one.
 */
export async function holdSubjectEntry(ctx: StoreContext, workspaceId: string, write: SubjectWrite, since: Date | null): Promise<boolean> {
  const { key, lock } = await subjectLock(ctx, workspaceId, write);
  return (await liveSubjectRows(ctx.db, key, ctx.clock.now(), since, [lock])) > 0;
}

/** The table, flow and subject of a write checked per subject. */
type SubjectWrite = Pick<StoreWrite, 'table' | 'preview'> & { subject: string; flowId: string };

/**
 * The subject's key in the table of the flow, and the statement taking its lock (until the
 * transaction ends): the lock of the flow's rows, or of a series' (`scope` `series:<name>`).
 */
async function subjectLock(ctx: StoreContext, workspaceId: string, write: SubjectWrite, scope: string = write.flowId): Promise<{ key: SubjectKey; lock: CompiledQuery }> {
  const hash = await ctx.keyring.lookupHash(workspaceId, write.subject);
  const lock = transactionLockStatement(ctx.db, `${workspaceId}:${scope}:${write.table}:${hash.toString('hex')}`);
  return { key: { workspaceId, flowId: write.flowId, hash, table: write.table, preview: write.preview ?? false }, lock };
}

/** What `holdSubjectLatest` found: whether the subject has a live row within the window, and the data of its latest live row. */
export interface SubjectLatest {
  readonly inWindow: boolean;
  readonly latest: Readonly<Record<string, unknown>> | null;
}

/**
 * `holdSubjectEntry` that also reads the data of the subject's latest live row in the table for
 * the flow, in the same round trip after the lock: a row built from it and written by the same
 * transaction follows it with no other row in between. `since` undefined: no window (the lock and
 * the latest row only). With `series`, the subject's rows of every flow of the workspace whose
 * `data.series` is that value are followed instead of the flow's (under a lock of the series).
 */
export async function holdSubjectLatest(ctx: StoreContext, workspaceId: string, write: SubjectWrite & { series?: string }, since: Date | null | undefined): Promise<SubjectLatest> {
  const { series } = write;
  const { key, lock } = await subjectLock(ctx, workspaceId, write, series === undefined ? write.flowId : `series:${series}`);
  const now = ctx.clock.now();
  const latest = sql<{ n: number; data: Record<string, unknown> | null }>`
    select ${since === undefined ? sql`0` : storedSubjectRows(key, now, since, series)} as n,
      (select data from ${sql.table(physicalTable(key.table))} where ${subjectRows(key, now, series)} order by created_at desc, id desc limit 1) as data`;
  const row = (await executeAfter(ctx.db, [lock], latest.compile(ctx.db))).rows[0]!;
  return { inWindow: row.n > 0, latest: row.data };
}

/**
 * The live rows of the key's subject (`moduleId` and `preview` narrow them when given) created at
 * or after `since` (null: ever), counted in the store, as SQL; with `series`, of any flow of the
 * workspace written with it instead of the key's flow.
 */
export function storedSubjectRows(key: SubjectKey, now: Date, since: Date | null = null, series?: string): RawBuilder<number> {
  return sql<number>`(select count(*)::int from ${sql.table(physicalTable(key.table))}
    where ${subjectRows(key, now, series)} ${since ? sql`and created_at >= ${since}` : sql``})`;
}

/** The condition of the key's subject's live rows in its table: of its flow, or of any flow written with `series`. */
function subjectRows(key: SubjectKey, now: Date, series?: string): RawBuilder<boolean> {
  const scope = series === undefined ? sql`flow_id = ${key.flowId}` : sql`data->>'series' = ${series}`;
  return sql<boolean>`workspace_id = ${key.workspaceId} and ${scope} and subject_hash = ${key.hash}
      ${key.moduleId === undefined ? sql`` : sql`and module_id = ${key.moduleId}`}
      ${key.preview === undefined ? sql`` : sql`and preview = ${key.preview}`}
      and ${liveRow(key.table, now)}`;
}

/**
 * `storedSubjectRows` as a number, after the statements `before` (a lock) in the same round trip.
 * For a table the subject ledger covers, the ledger answers first: the store's partitions are
 * counted (one more round trip) only for a subject it cannot rule out.
 */
export async function liveSubjectRows(db: Db, key: SubjectKey, now: Date, since: Date | null, before: readonly CompiledQuery[] = []): Promise<number> {
  const first = SUBJECT_LEDGER_TABLES.has(key.table)
    ? sql<{ n: number | null }>`select case when ${subjectMaybeStored(key, now, since)} then null else 0 end as n`
    : sql<{ n: number | null }>`select ${storedSubjectRows(key, now, since)} as n`;
  const found = (await executeAfter(db, before, first.compile(db))).rows[0]!.n;
  if (found !== null) return found;
  return (await sql<{ n: number }>`select ${storedSubjectRows(key, now, since)} as n`.execute(db)).rows[0]!.n;
}
