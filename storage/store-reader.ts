import { sql, type RawBuilder } from 'kysely';
import type { StoreContext } from './store-context.js';
import { STORE_TABLES, physicalTable, type StoreTable } from '../core/store-tables.js';
import type { StoreRow } from './schema.js';
import { liveRow } from './retention-move.js';
import { ParleyError } from '../core/errors.js';

/** A store row's columns but a file's bytes (`attachment`, read only by `readAttachment`). */
export const ROW_COLUMNS = sql.raw('id, workspace_id, flow_id, session_id, participant_ref, subject_hash, module_id, step_id, default_retention_days, created_at, expires_at, data, personal, preview');

/** A store row as callers see it: personal values decrypted, no hashes. */
export interface DecodedRow {
  readonly id: string;
  readonly table: StoreTable;
  readonly flowId: string | null;
  readonly sessionId: string | null;
  readonly participantRef: string | null;
  readonly moduleId: string;
  readonly stepId: string | null;
  readonly createdAt: Date;
  readonly expiresAt: Date;
  readonly data: Record<string, unknown>;
  readonly personal: Record<string, unknown> | null;
}

export interface ListOptions {
  limit?: number;
  /** Opaque cursor from a previous page's `next`. */
  after?: string;
  /** Only rows created at or after this instant. */
  from?: Date;
  /** Only rows created before this instant. */
  to?: Date;
  flowId?: string;
  order?: 'asc' | 'desc';
}

export interface Page {
  readonly rows: DecodedRow[];
  readonly next: string | null;
}

/**
 * `expires_at > now` alone, for a table alias-free query that need not see retention moves;
 * store reads use `liveRow` (retention-move.ts), which also hides rows a shortened retention ended.
 */
export function liveAt(now: Date): RawBuilder<boolean> {
  return sql<boolean>`expires_at > ${now}`;
}

/** What a decoded row holds besides its personal values. */
export type RowEnvelope = Omit<DecodedRow, 'personal'>;

/** The envelope of a store row as read from the database (snake_case columns). */
export function rowEnvelope(
  table: StoreTable,
  row: Pick<StoreRow, 'id' | 'flow_id' | 'session_id' | 'participant_ref' | 'module_id' | 'step_id' | 'created_at' | 'expires_at' | 'data'>,
): RowEnvelope {
  return {
    id: row.id,
    table,
    flowId: row.flow_id,
    sessionId: row.session_id,
    participantRef: row.participant_ref,
    moduleId: row.module_id,
    stepId: row.step_id,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    data: row.data,
  };
}

/** A store row with its personal values decrypted. */
export async function decodeRow(ctx: StoreContext, table: StoreTable, row: StoreRow): Promise<DecodedRow> {
  const personal = row.personal ? await ctx.keyring.decryptJson<Record<string, unknown>>(row.workspace_id, row.personal) : null;
  return { ...rowEnvelope(table, row), personal };
}

export function encodeCursor(row: { created_at: Date; id: string }): string {
  return Buffer.from(`${row.created_at.toISOString()}|${row.id}`, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  const [iso, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const createdAt = new Date(iso ?? '');
  if (!id || !/^[0-9a-f-]{36}$/.test(id) || Number.isNaN(createdAt.getTime())) {
    throw new ParleyError('bad_request', 'Invalid page cursor', { path: '/after' });
  }
  return { createdAt, id };
}

/** One keyset page of a table's live rows for one workspace (rows of console previews left out). */
export async function listStoreRows(ctx: StoreContext, workspaceId: string, table: StoreTable, options: ListOptions = {}): Promise<Page> {
  const limit = Math.min(Math.max(options.limit ?? 50, 1), 1000);
  const desc = (options.order ?? 'desc') === 'desc';
  const conditions = [sql`workspace_id = ${workspaceId}`, sql`not preview`, liveRow(table, ctx.clock.now())];
  if (options.from) conditions.push(sql`created_at >= ${options.from}`);
  if (options.to) conditions.push(sql`created_at < ${options.to}`);
  if (options.flowId) conditions.push(sql`flow_id = ${options.flowId}`);
  if (options.after) {
    const cursor = decodeCursor(options.after);
    conditions.push(desc ? sql`(created_at, id) < (${cursor.createdAt}, ${cursor.id})` : sql`(created_at, id) > (${cursor.createdAt}, ${cursor.id})`);
  }
  const direction = desc ? sql`desc` : sql`asc`;
  const result = await sql<StoreRow>`
    select ${ROW_COLUMNS} from ${sql.table(physicalTable(table))}
    where ${sql.join(conditions, sql` and `)}
    order by created_at ${direction}, id ${direction}
    limit ${limit + 1}`.execute(ctx.db);
  const raw = result.rows.slice(0, limit);
  const rows = await Promise.all(raw.map((row) => decodeRow(ctx, table, row)));
  const last = raw[raw.length - 1];
  return { rows, next: result.rows.length > limit && last ? encodeCursor(last) : null };
}

/** One live row by id, or undefined when it does not exist, belongs elsewhere or has expired. */
export async function getStoreRow(ctx: StoreContext, workspaceId: string, table: StoreTable, id: string): Promise<DecodedRow | undefined> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
  const result = await sql<StoreRow>`
    select ${ROW_COLUMNS} from ${sql.table(physicalTable(table))}
    where id = ${id} and workspace_id = ${workspaceId} and ${liveRow(table, ctx.clock.now())}`.execute(ctx.db);
  const row = result.rows[0];
  return row ? decodeRow(ctx, table, row) : undefined;
}

/** Number of live rows per table for one workspace (rows of console previews left out). */
export async function countStoreRows(ctx: StoreContext, workspaceId: string): Promise<Record<StoreTable, number>> {
  const now = ctx.clock.now();
  const counts = await Promise.all(
    STORE_TABLES.map(async (table) => {
      const result = await sql<{ n: string }>`
        select count(*) as n from ${sql.table(physicalTable(table))}
        where workspace_id = ${workspaceId} and not preview and ${liveRow(table, now)}`.execute(ctx.db);
      return [table, Number(result.rows[0]?.n ?? 0)] as const;
    }),
  );
  return Object.fromEntries(counts) as Record<StoreTable, number>;
}

/** The live rows one flow stored in a table; `slug` and `name` are null for a flow deleted since. */
export interface FlowRowCount {
  readonly flowId: string;
  readonly slug: string | null;
  readonly name: string | null;
  readonly rows: number;
}

/**
 * The flows with live rows in one table of a workspace, each with its count (rows of console
 * previews and rows of no flow left out), by name, then deleted flows.
 */
export async function countStoreRowsByFlow(ctx: StoreContext, workspaceId: string, table: StoreTable): Promise<FlowRowCount[]> {
  const result = await sql<{ flow_id: string; slug: string | null; name: string | null; n: string }>`
    select c.flow_id, f.slug, f.name, c.n from (
      select flow_id, count(*) as n from ${sql.table(physicalTable(table))}
      where workspace_id = ${workspaceId} and not preview and flow_id is not null and ${liveRow(table, ctx.clock.now())}
      group by flow_id
    ) c left join flows f on f.id = c.flow_id and f.workspace_id = ${workspaceId}
    order by f.name is null, f.name, f.slug, c.flow_id`.execute(ctx.db);
  return result.rows.map((row) => ({ flowId: row.flow_id, slug: row.slug, name: row.name, rows: Number(row.n) }));
}

/**
 * The chat sessions of a data subject (keyed hash of the normalized email): those whose first
 * stored address is theirs. What else such a session stored (a text answer, a file, the runtime
 * log) is about them too, though it carries no hash. A session whose first address is another's,
 * where this one was asked later (a friend's email), is that other person's.
 */
export async function subjectSessionIds(db: StoreContext['db'], workspaceId: string, hash: Buffer): Promise<string[]> {
  const hashed = (where: RawBuilder<boolean>) =>
    sql.join(STORE_TABLES.map((table) => sql`select session_id, subject_hash, created_at, id from ${sql.table(physicalTable(table))} where workspace_id = ${workspaceId} and subject_hash is not null and ${where}`), sql` union all `);
  const candidates = sql<string>`select session_id from (${hashed(sql`subject_hash = ${hash}`)}) c where session_id is not null`;
  const result = await sql<{ session_id: string }>`
    select session_id from (
      select distinct on (session_id) session_id, subject_hash from (${hashed(sql`session_id in (${candidates})`)}) r
      order by session_id, created_at, id
    ) first_address
    where subject_hash = ${hash}`.execute(db);
  return result.rows.map((row) => row.session_id);
}

/**
 * A store row about the subject: it carries the subject's hash, or it carries no one's and was
 * stored in one of the subject's sessions (`subjectSessionIds`). A row of such a session that
 * carries another address's hash (a friend's email asked in the same conversation) is that
 * person's, never shown or erased for this one. Over the columns of `alias` when one is given.
 */
export function aboutSubject(hash: Buffer, sessionIds: readonly string[], alias?: string): RawBuilder<boolean> {
  const column = (name: string) => (alias ? sql.ref(`${alias}.${name}`) : sql.ref(name));
  return sessionIds.length === 0
    ? sql<boolean>`${column('subject_hash')} = ${hash}`
    : sql<boolean>`(${column('subject_hash')} = ${hash} or (${column('subject_hash')} is null and ${column('session_id')} = any(${sessionIds}::uuid[])))`;
}

/** Every live row about one data subject across all tables: rows with the hash of the normalized email, and the rest of those sessions' rows. */
export async function findSubjectRows(ctx: StoreContext, workspaceId: string, subject: string): Promise<DecodedRow[]> {
  const hash = await ctx.keyring.lookupHash(workspaceId, subject);
  const now = ctx.clock.now();
  const sessions = await subjectSessionIds(ctx.db, workspaceId, hash);
  const perTable = await Promise.all(
    STORE_TABLES.map(async (table) => {
      const result = await sql<StoreRow>`
        select ${ROW_COLUMNS} from ${sql.table(physicalTable(table))}
        where workspace_id = ${workspaceId} and ${aboutSubject(hash, sessions)} and ${liveRow(table, now)}
        order by created_at, id`.execute(ctx.db);
      return Promise.all(result.rows.map((row) => decodeRow(ctx, table, row)));
    }),
  );
  return perTable.flat();
}
