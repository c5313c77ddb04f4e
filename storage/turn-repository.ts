import { sql, type CompiledQuery } from 'kysely';
import type { Db } from './database.js';
import type { FlowRecord } from './flow-repository.js';
import { effectiveRetentionDays, expiryFrom } from './retention-sql.js';
import type { ChatSessionRow, FlowRow, RetentionOverrides } from './schema.js';
import { hashResumeToken, sealPersonal, toState, turnSkeleton, type SessionState } from './session-repository.js';
import { storeInsertCtes, storeRowsShape } from './store-batch-writer.js';
import { ShapedStatements, slot } from './shaped-statements.js';
import { deferStatement, executeAndCommit, executeAndCommitInstead, holdsLock, isStillDeferred } from './pipelining-driver.js';
import { isSharedTransactionRolledBack } from './shared-transaction.js';
import type { StoreContext } from './store-context.js';
import { storeEvents } from './store-events.js';
import { TABLE_DEFAULT_RETENTION_DAYS } from '../core/store-tables.js';
import { writingWorkspace, type PreparedStoreRow, type StoreRowsInput } from './store-writer.js';
import type { FlowDefinition } from '../core/flow-definition.js';

/**
 * The statements of a chat turn, each doing as much as one round trip can: the handshake reads
 * workspace and flow together; a reply locks its session and reads what the turn needs of the
 * workspace and flow in the same statement; the turn ends with one statement writing the
 * session and every store row of the turn. Settings that guard writes (storage on/off,
 * retention) are read by the very statement that writes, so a switch committed before it is
 * never applied late.
 */

/** What a turn needs of its workspace. */
export interface TurnWorkspace {
  readonly id: string;
  readonly timeZone: string;
  readonly storageEnabled: boolean;
  /** Modules whose storage the workspace switched off: their rows are not written. */
  readonly storageOffModules: readonly string[];
  readonly retention: RetentionOverrides;
}

/**
 * A flow without its definition (definitions are cached by version). `version` is the version a
 * turn runs: the flow's current one at a start, the session's own on a reply.
 */
export type FlowHeader = Omit<FlowRecord, 'definition'>;

const SESSION_MODULE = 'session';
const FLOW_COLUMNS = sql`f.id as f_id, f.workspace_id as f_workspace_id, f.slug as f_slug, f.hash_id as f_hash_id, f.name as f_name,
  f.status as f_status, f.opens_at as f_opens_at, f.closes_at as f_closes_at, f.version as f_version,
  f.created_at as f_created_at, f.updated_at as f_updated_at, f.closed_at as f_closed_at`;

type FlowColumns = { [K in keyof Omit<FlowRow, 'definition'> as `f_${K & string}`]: FlowRow[K] };

function toHeader(row: FlowColumns): FlowHeader {
  return {
    id: row.f_id,
    workspaceId: row.f_workspace_id,
    slug: row.f_slug,
    hashId: row.f_hash_id,
    name: row.f_name,
    status: row.f_status,
    opensAt: row.f_opens_at,
    closesAt: row.f_closes_at,
    version: row.f_version,
    createdAt: row.f_created_at,
    updatedAt: row.f_updated_at,
    closedAt: row.f_closed_at,
  };
}

/** The handshake's one read: a workspace (with its allowed origins) and, when it has it, the flow `slug`. */
export async function loadChatEntry(
  ctx: StoreContext,
  workspaceId: string,
  slug: string,
): Promise<{ workspace: TurnWorkspace & { readonly allowedOrigins: string[] }; flow: FlowHeader | undefined } | undefined> {
  if (!/^[0-9a-f-]{36}$/i.test(workspaceId)) return undefined;
  const result = await sql<FlowColumns & { w_id: string; time_zone: string; storage_enabled: boolean; storage_off_modules: string[]; retention: RetentionOverrides; allowed_origins: string[] }>`
    select w.id as w_id, w.time_zone, w.storage_enabled, w.storage_off_modules, w.retention, w.allowed_origins, ${FLOW_COLUMNS}
    from workspaces w left join flows f on f.workspace_id = w.id and f.slug = ${slug}
    where w.id = ${workspaceId}`.execute(ctx.db);
  const row = result.rows[0];
  if (!row) return undefined;
  return {
    workspace: { id: row.w_id, timeZone: row.time_zone, storageEnabled: row.storage_enabled, storageOffModules: row.storage_off_modules, retention: row.retention, allowedOrigins: row.allowed_origins },
    flow: row.f_id ? toHeader(row) : undefined,
  };
}

/**
 * Locks a live session until the caller's transaction ends and reads, in the same statement,
 * its workspace's guarding settings and its flow's header.
 */
export async function lockTurn(ctx: StoreContext, sessionId: string): Promise<{ state: SessionState; workspace: TurnWorkspace; flow: FlowHeader } | undefined> {
  const result = await sql<ChatSessionRow & FlowColumns & { time_zone: string; storage_enabled: boolean; storage_off_modules: string[]; retention: RetentionOverrides; pinned_version: number }>`
    select s.*, w.time_zone, w.storage_enabled, w.storage_off_modules, w.retention, ${FLOW_COLUMNS}, coalesce(s.flow_version, f.version) as pinned_version
    from chat_sessions s
      join workspaces w on w.id = s.workspace_id
      join flows f on f.id = s.flow_id
    where s.id = ${sessionId} and s.expires_at > ${ctx.clock.now()}
    for no key update of s`.execute(ctx.db);
  const row = result.rows[0];
  if (!row) return undefined;
  return {
    state: await toState(ctx, row),
    workspace: { id: row.workspace_id, timeZone: row.time_zone, storageEnabled: row.storage_enabled, storageOffModules: row.storage_off_modules, retention: row.retention },
    flow: { ...toHeader(row), version: row.pinned_version },
  };
}

/**
 * The name of a session's row lock (see `holdsLock`): a turn's check and its last statement lock
 * the row, so two turns of one session never share a group's transaction.
 */
const sessionLock = (sessionId: string) => `chat-session:${sessionId}`;

const EXPECT = new ShapedStatements<{ sessionId: string; seq: number; now: Date }>(1);
const expectSql = () => sql`select parley_expect_session(${slot<{ sessionId: string }>((i) => i.sessionId)}::uuid,
  ${slot<{ seq: number }>((i) => i.seq)}::int, ${slot<{ now: Date }>((i) => i.now)}::timestamptz)`;

/** Where a turn on a kept session expects the session to be, and the check of it (see `expectTurn`). */
export interface TurnExpectation {
  readonly seq: number;
  readonly now: Date;
  /** The check, held back for the turn's first statement. */
  readonly check: CompiledQuery;
}

/**
 * For a turn on a session state this process kept from the session's previous turn: locks the
 * session if it is still at `seq` (live, active, flow open), without a round trip of its own
 * (the check goes out with the turn's first statement; when that is the turn's last, given the
 * expectation, it makes the check itself and the check is not sent). If it is not, the turn's
 * statements fail with an error `isSessionMovedOn` recognises, and nothing of the turn is written.
 */
export async function expectTurn(ctx: StoreContext, sessionId: string, seq: number): Promise<TurnExpectation> {
  const now = ctx.clock.now();
  const check = holdsLock(EXPECT.compile(ctx.db, 'expect', expectSql, { sessionId, seq, now }), sessionLock(sessionId));
  // The caller runs the turn again on the locking path when it fails as `isSessionMovedOn` says.
  await deferStatement(ctx.db, check, { share: true });
  return { seq, now, check };
}

/** Sends `expectTurn`'s check now if no statement has carried it yet (a turn that writes nothing). */
export async function confirmTurn(ctx: StoreContext): Promise<void> {
  await sql`select 1`.execute(ctx.db);
}

/**
 * True for the failure of `expectTurn`'s check, or of a turn whose transaction shared a group's
 * that rolled back for another member: take the turn again on the locking path.
 */
export function isSessionMovedOn(error: unknown): boolean {
  return (typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'PRL01') || isSharedTransactionRolledBack(error);
}

/** One version of a flow's definition (versions never change once saved). */
export async function getFlowDefinition(db: Db, flowId: string, version: number): Promise<FlowDefinition | undefined> {
  const result = await sql<{ definition: FlowDefinition }>`select definition from flow_versions where flow_id = ${flowId} and version = ${version}`.execute(db);
  return result.rows[0]?.definition;
}

/** What a turn's last statement reads: the session as the turn leaves it and its store rows (see `ShapedStatements`). */
interface TurnInput extends StoreRowsInput {
  readonly state: SessionState;
  readonly personal: Buffer | null;
  readonly resumeTokenHash: Buffer | null;
  readonly expected: TurnExpectation | null;
}

const value = (read: (input: TurnInput) => unknown) => slot<TurnInput>(read);
const TURN_STATEMENTS = new ShapedStatements<TurnInput>();

const sessionExpiry = () =>
  expiryFrom(
    sql`${value((i) => i.state.updatedAt)}::timestamptz`,
    effectiveRetentionDays(sql`w.retention`, 'variables', sql`${sql.lit(SESSION_MODULE)}::text`, sql`${sql.lit(TABLE_DEFAULT_RETENTION_DAYS.variables)}::int`),
  );

const INSERT_SESSION = () => sql`saved_session as (
    insert into chat_sessions (id, workspace_id, flow_id, flow_version, resume_token_hash, participant_ref, step_id, status, seq, variables, personal,
      device, last_turn, recent_replies, steps_seen, started_at, updated_at, expires_at, preview)
    select ${value((i) => i.state.id)}, w.id, ${value((i) => i.state.flowId)}, ${value((i) => i.state.flowVersion)}, ${value((i) => i.resumeTokenHash)},
      ${value((i) => i.state.participantRef)}, ${value((i) => i.state.stepId)}, ${value((i) => i.state.status)}, ${value((i) => i.state.seq)},
      ${value((i) => JSON.stringify(i.state.variables))}::jsonb, case when w.storage_enabled then ${value((i) => i.personal)}::bytea end,
      ${value((i) => JSON.stringify(i.state.device))}::jsonb, ${value((i) => turnSkeleton(i.state.lastTurn))}::jsonb,
      ${value((i) => JSON.stringify(i.state.recentReplies))}::jsonb, ${value((i) => i.state.stepsSeen)}::text[], ${value((i) => i.state.startedAt)},
      ${value((i) => i.state.updatedAt)}, ${sessionExpiry()}, ${value((i) => i.state.preview ?? false)}
    from w
    returning expires_at)`;

/** What `parley_expect_session` checks (migration 0019), as the session update's own condition. */
const STILL_EXPECTED = () => {
  const now = value((i) => i.expected!.now);
  return sql`and s.seq = ${value((i) => i.expected!.seq)} and s.status = 'active' and s.expires_at > ${now}::timestamptz
      and exists (select 1 from flows f where f.id = s.flow_id and f.status = 'open'
        and (f.opens_at is null or f.opens_at <= ${now}::timestamptz) and (f.closes_at is null or f.closes_at > ${now}::timestamptz))`;
};

const UPDATE_SESSION = (checked: boolean) => sql`saved_session as (
    update chat_sessions s set step_id = ${value((i) => i.state.stepId)}, status = ${value((i) => i.state.status)}, seq = ${value((i) => i.state.seq)},
      variables = ${value((i) => JSON.stringify(i.state.variables))}::jsonb, personal = case when w.storage_enabled then ${value((i) => i.personal)}::bytea end,
      last_turn = ${value((i) => turnSkeleton(i.state.lastTurn))}::jsonb, recent_replies = ${value((i) => JSON.stringify(i.state.recentReplies))}::jsonb,
      steps_seen = ${value((i) => i.state.stepsSeen)}::text[], updated_at = ${value((i) => i.state.updatedAt)}, expires_at = ${sessionExpiry()}
    from w
    where s.id = ${value((i) => i.state.id)} ${checked ? STILL_EXPECTED() : sql``}
    returning s.expires_at)`;

/**
 * The turn's last statement: the session (`saved_session`, inserted or updated) and every store
 * row of the turn, in one statement compiled once per shape (which tables, how many rows). An
 * update that checks the session itself (`checked`, see `expectTurn`) raises PRL01 when the
 * session was not where expected, which rolls the whole statement back.
 */
function lastStatement(kind: 'insert' | 'update', checked: boolean, rows: readonly PreparedStoreRow[]) {
  const { ctes, storedIds } = storeInsertCtes(rows);
  const session = kind === 'insert' ? INSERT_SESSION() : UPDATE_SESSION(checked);
  const movedOn = checked ? sql`, case when not exists (select 1 from saved_session) then parley_session_moved_on() end as moved_on` : sql``;
  return sql<{ expires_at: Date | null; stored: string[] }>`
      with ${writingWorkspace(value((i) => i.workspaceId))}, ${session}${sql.join([sql``, ...ctes], sql`, `)}
      select (select expires_at from saved_session) as expires_at, ${storedIds} as stored${movedOn}`;
}

async function finish(ctx: StoreContext, kind: 'insert' | 'update', state: SessionState, rows: readonly PreparedStoreRow[], resumeTokenHash: Buffer | null, storePersonal: boolean, expected?: TurnExpectation): Promise<void> {
  const personal = await sealPersonal(ctx, state, storePersonal);
  const shape = storeRowsShape(rows);
  const input: TurnInput = { workspaceId: state.workspaceId, rows: shape.rows, state, personal, resumeTokenHash, expected: expected ?? null };
  // A kept session's check that has not gone out yet (nothing else of the turn has): this statement makes it.
  const check = expected && isStillDeferred(expected.check) ? expected.check : undefined;
  const checked = check !== undefined;
  const statement = holdsLock(TURN_STATEMENTS.compile(ctx.db, `${kind}${checked ? '+check' : ''}|${shape.key}`, () => lastStatement(kind, checked, shape.rows), input), sessionLock(state.id));
  // The turn's last statement: in a reply's transaction, COMMIT goes in the same round trip.
  const result = check ? await executeAndCommitInstead(ctx.db, statement, check) : await executeAndCommit(ctx.db, statement);
  const row = result.rows[0]!;
  if (row.expires_at) state.expiresAt = row.expires_at;
  const stored = new Set(row.stored);
  for (const r of rows) storeEvents.emit('write', r.table, stored.has(r.id));
}

/**
 * Inserts a new session and the store rows of its first turn in one statement. Personal values
 * (sealed variables, IP, last turn) are kept only when `storePersonal` and while the workspace
 * stores data, as this statement reads it.
 */
export async function insertTurn(ctx: StoreContext, state: SessionState, resumeToken: string, rows: readonly PreparedStoreRow[], storePersonal: boolean): Promise<void> {
  await finish(ctx, 'insert', state, rows, hashResumeToken(resumeToken), storePersonal);
}

/** Saves the mutable part of a locked session and the store rows of its turn in one statement. */
export async function updateTurn(ctx: StoreContext, state: SessionState, rows: readonly PreparedStoreRow[], storePersonal: boolean, expected?: TurnExpectation): Promise<void> {
  await finish(ctx, 'update', state, rows, null, storePersonal, expected);
}
