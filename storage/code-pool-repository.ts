import { sql, type RawBuilder } from 'kysely';
import type { Db } from './database.js';
import { ParleyError, ValidationError } from '../core/errors.js';
import type { CodeAssignment, CodeCheck } from '../core/capabilities/code-pool-capability.js';
import { liveRow } from './retention-move.js';
import { walkedFrom, WalkStarts, type QueuePosition } from './walk-starts.js';

/** Where a pool lives: one step of one flow of one workspace. */
export interface CodePoolKey {
  readonly workspaceId: string;
  readonly flowId: string;
  readonly stepId: string;
}

export interface AddCodesResult {
  /** Codes inserted by this call. */
  readonly added: number;
  /** Codes skipped because the pool (or this very upload) already had them, case-insensitively. */
  readonly duplicates: number;
}

export interface CodePoolStats {
  readonly total: number;
  /** Handed out (distribute) or used (single-use check). */
  readonly assigned: number;
  readonly available: number;
}

/** A code handed to a session; `firstTime` is false when the session already held it. */
export type { CodeAssignment, CodeCheck };

export const MAX_CODE_LENGTH = 64;
/** Most codes one JSON upload may carry (bigger lists go through the streamed CSV upload). */
export const MAX_CODES_PER_UPLOAD = 100_000;
/** Codes inserted per statement; a streamed upload holds at most this many in memory. */
export const CODE_BATCH_SIZE = 5_000;

/** Printable characters (letters, marks, digits, punctuation, symbols, inner spaces). */
const CODE = /^[\p{L}\p{M}\p{N}\p{P}\p{S}](?:[\p{L}\p{M}\p{N}\p{P}\p{S} ]*[\p{L}\p{M}\p{N}\p{P}\p{S}])?$/u;

/**
 * The canonical form of a code (trimmed, NFC), or undefined when it is not 1 to 64 printable
 * characters. Comparisons are case-insensitive (`lower()` on both sides, in the database).
 *
 * @example normalizeCode('  ab-12 ') // 'ab-12'
 */
export function normalizeCode(input: string): string | undefined {
  const code = input.trim().normalize('NFC');
  const length = [...code].length;
  return length >= 1 && length <= MAX_CODE_LENGTH && CODE.test(code) ? code : undefined;
}

async function inTrx<T>(db: Db, work: (db: Db) => Promise<T>): Promise<T> {
  return db.isTransaction ? work(db) : db.transaction().execute(work);
}

/** `items` in consecutive slices of at most `size`. */
function* slices<T>(items: readonly T[], size: number): Generator<readonly T[]> {
  for (let start = 0; start < items.length; start += size) yield items.slice(start, start + size);
}

/**
 * Adds codes to the pool of a flow step in one transaction, in the given order (the order
 * they are handed out). Every code is validated first (1..64 printable characters, the path
 * of the first bad one is reported, its value never echoed); codes already in the pool or
 * repeated in the list, ignoring case, are counted as duplicates and skipped.
 *
 * @example await addCodes(db, ws.id, flow.id, 'reward', ['A1', 'B2'], clock.now()) // { added: 2, duplicates: 0 }
 */
export async function addCodes(db: Db, workspaceId: string, flowId: string, stepId: string, codes: readonly string[], now: Date): Promise<AddCodesResult> {
  if (codes.length > MAX_CODES_PER_UPLOAD) throw new ParleyError('payload_too_large', `At most ${MAX_CODES_PER_UPLOAD} codes per upload`, { path: '/codes' });
  const normalized = codes.map((raw, i) => {
    const code = typeof raw === 'string' ? normalizeCode(raw) : undefined;
    if (code === undefined) throw new ValidationError(`A code must be 1 to ${MAX_CODE_LENGTH} printable characters`, `/codes/${i}`);
    return code;
  });
  return addCodeBatches(db, { workspaceId, flowId, stepId }, slices(normalized, CODE_BATCH_SIZE), now);
}

/**
 * Adds codes that arrive in batches (a streamed upload) to a pool, all in one transaction: the
 * batches are inserted as they come, so memory holds one batch, and an error thrown by the
 * source (a bad line found later) rolls every earlier batch back. Each code must already be
 * in its `normalizeCode` form; duplicates are skipped and counted as in `addCodes`. The flow
 * row is held with `for key share`, so the flow cannot be deleted meanwhile but can be saved.
 *
 * @example await addCodeBatches(db, pool, csvBatches(req), clock.now()) // { added: 200000, duplicates: 0 }
 */
export async function addCodeBatches(db: Db, pool: CodePoolKey, batches: Iterable<readonly string[]> | AsyncIterable<readonly string[]>, now: Date): Promise<AddCodesResult> {
  return inTrx(db, async (trx) => {
    const flow = await sql<{ id: string }>`select id from flows where id = ${pool.flowId} and workspace_id = ${pool.workspaceId} for key share`.execute(trx);
    if (!flow.rows[0]) throw new ParleyError('not_found', 'No such flow');
    let added = 0;
    let given = 0;
    for await (const batch of batches) {
      if (batch.length === 0) continue;
      given += batch.length;
      const inserted = await sql<{ n: string }>`
        with added as (
          insert into code_pool_entries (workspace_id, flow_id, step_id, code, created_at)
          select ${pool.workspaceId}, ${pool.flowId}, ${pool.stepId}, u.code, ${now}
          from unnest(${batch}::text[]) with ordinality as u(code, n)
          order by u.n
          on conflict do nothing
          returning 1)
        select count(*) as n from added`.execute(trx);
      added += Number(inserted.rows[0]!.n);
    }
    return { added, duplicates: given - added };
  });
}

/** How many codes a pool holds, and how many are handed out or used. */
export async function codePoolStats(db: Db, pool: CodePoolKey): Promise<CodePoolStats> {
  const result = await sql<{ total: string; assigned: string }>`
    select count(*) as total, count(assigned_session_id) as assigned from code_pool_entries
    where workspace_id = ${pool.workspaceId} and flow_id = ${pool.flowId} and step_id = ${pool.stepId}`.execute(db);
  return poolStats(result.rows[0]!);
}

function poolStats(counts: { total: string; assigned: string }): CodePoolStats {
  const total = Number(counts.total);
  const assigned = Number(counts.assigned);
  return { total, assigned, available: total - assigned };
}

/**
 * The counts of every pool of the given flows (uuids) of a workspace that holds codes, keyed
 * `flowId/stepId`. Read through the pools' index, which leads with the flow.
 */
export async function flowCodePoolStats(db: Db, workspaceId: string, flowIds: readonly string[]): Promise<Map<string, CodePoolStats>> {
  if (flowIds.length === 0) return new Map();
  const result = await sql<{ flow_id: string; step_id: string; total: string; assigned: string }>`
    select flow_id, step_id, count(*) as total, count(assigned_session_id) as assigned from code_pool_entries
    where flow_id = any(${flowIds}::uuid[]) and workspace_id = ${workspaceId} group by flow_id, step_id`.execute(db);
  return new Map(result.rows.map((r) => [`${r.flow_id}/${r.step_id}`, poolStats(r)]));
}

/** Each pool's start (see `WalkStarts`). */
const CODE_STARTS = new WalkStarts();

/**
 * The id of the pool's first free code in upload order, row-locked, as a scalar subquery: with
 * `skip` the codes other sessions are taking are skipped, without it the subquery waits for
 * them. Ordered by `(created_at, id)`, which only the index of free codes serves (migration
 * 0024). With a start, the walk begins there (see `WalkStarts`, `walkedFrom`).
 */
function firstFree(pool: CodePoolKey, skip: boolean, start: QueuePosition | undefined): RawBuilder<unknown> {
  const walk = (from: RawBuilder<unknown>) => sql`(
      select id from code_pool_entries
      where workspace_id = ${pool.workspaceId} and flow_id = ${pool.flowId} and step_id = ${pool.stepId}
        and assigned_session_id is null ${from}
      order by created_at, id limit 1
      for update ${skip ? sql`skip locked` : sql``})`;
  return walkedFrom(walk, 'created_at', start);
}

/**
 * Hands a session a code from the pool: the one it already holds, else the first free one,
 * taken with `for update skip locked` so concurrent sessions never wait on each other nor get
 * the same code. When every free code looks taken, a blocking pass waits for the in-flight
 * takers, so `null` means the pool really is exhausted (not merely busy). Run it in the
 * turn's transaction: the code is the session's once that commits.
 */
export async function assignCode(db: Db, pool: CodePoolKey, sessionId: string, now: Date): Promise<CodeAssignment | null> {
  const held = await sql<{ code: string }>`
    select code from code_pool_entries
    where flow_id = ${pool.flowId} and step_id = ${pool.stepId} and assigned_session_id = ${sessionId}
    order by id limit 1`.execute(db);
  if (held.rows[0]) return { code: held.rows[0].code, firstTime: false };
  for (const wait of [false, true]) {
    // The blocking pass walks from the first code: a code left behind the start is free too.
    const start = wait ? undefined : CODE_STARTS.startOf(pool, now);
    const taken = await sql<{ code: string; created_at: Date; id: string }>`
      update code_pool_entries set assigned_session_id = ${sessionId}, assigned_at = ${now}
      where assigned_session_id is null and id = ${firstFree(pool, !wait, start)}
      returning code, created_at, id::text as id`.execute(db);
    const row = taken.rows[0];
    if (row) {
      CODE_STARTS.took(pool, { at: row.created_at, id: row.id }, now, start);
      return { code: row.code, firstTime: true };
    }
  }
  return null;
}

/**
 * Checks an access code against the pool, ignoring case and surrounding spaces. With
 * `singleUse` a valid code is claimed by this session in the same statement (a row lock), so
 * two sessions can never both use it; the session that holds it may enter it again.
 */
export async function checkCode(db: Db, pool: CodePoolKey, input: string, options: { sessionId: string; singleUse: boolean; now: Date }): Promise<CodeCheck> {
  const code = normalizeCode(input);
  if (code === undefined) return { status: 'unknown' };
  const match = sql`workspace_id = ${pool.workspaceId} and flow_id = ${pool.flowId} and step_id = ${pool.stepId} and lower(code) = lower(${code})`;
  if (!options.singleUse) {
    const found = await sql<{ code: string }>`select code from code_pool_entries where ${match}`.execute(db);
    return found.rows[0] ? { status: 'valid', code: found.rows[0].code } : { status: 'unknown' };
  }
  const claimed = await sql<{ code: string }>`
    update code_pool_entries set assigned_session_id = ${options.sessionId}, assigned_at = coalesce(assigned_at, ${options.now})
    where ${match} and (assigned_session_id is null or assigned_session_id = ${options.sessionId})
    returning code`.execute(db);
  if (claimed.rows[0]) return { status: 'valid', code: claimed.rows[0].code };
  const exists = await sql<{ n: string }>`select count(*) as n from code_pool_entries where ${match}`.execute(db);
  return Number(exists.rows[0]!.n) > 0 ? { status: 'used' } : { status: 'unknown' };
}

/**
 * Failed code checks (`data.result` other than `accepted`) a session made at a step: live
 * rows of the `codes` store written by the step's module (`moduleId`) since the session started.
 */
export async function countFailedChecks(db: Db, pool: CodePoolKey & { readonly moduleId: string }, session: { id: string; startedAt: Date }, now: Date): Promise<number> {
  const result = await sql<{ n: string }>`
    select count(*) as n from store_codes
    where workspace_id = ${pool.workspaceId} and flow_id = ${pool.flowId} and created_at >= ${session.startedAt}
      and session_id = ${session.id} and step_id = ${pool.stepId} and module_id = ${pool.moduleId}
      and data->>'mode' = 'check' and data->>'result' <> 'accepted' and ${liveRow('codes', now)}`.execute(db);
  return Number(result.rows[0]!.n);
}
