import { sql } from 'kysely';
import type pg from 'pg';
import { cursorStream } from './cursor-stream.js';
import type { StoreContext } from './store-context.js';
import { decodeRow, type DecodedRow } from './store-reader.js';
import { physicalTable, type StoreTable } from '../core/store-tables.js';
import type { StoreRow } from './schema.js';
import type { Readable } from 'node:stream';

/** Which rows of a flow an export reads. */
export type ExportScope = 'entries' | 'participants' | 'winners';

/** Tables whose rows are a flow's entries (one participation each). */
const ENTRY_TABLES: readonly StoreTable[] = ['participations', 'instant_win_claims'];
/** Tables that may be read beside each entry, by session or data subject, to fill in its fields. */
const RELATED_TABLES: readonly StoreTable[] = ['variables', 'consents', 'winners', 'codes', 'instant_win_claims'];

/** One entry with the rows of the same session (or data subject) in the other tables. */
export interface ExportRecord {
  readonly entry: DecodedRow;
  readonly related: Readonly<Partial<Record<StoreTable, readonly DecodedRow[]>>>;
}

type RawEntry = StoreRow & { source_table: StoreTable };

/** Only participants whose first entry falls in [from, to) (daily trigger modes). */
export interface FirstSeenWindow {
  readonly from: Date | null;
  readonly to: Date;
}

function entriesSql(workspaceId: string, flowId: string, now: Date, scope: ExportScope, firstSeen?: FirstSeenWindow): { text: string; values: unknown[] } {
  const union = ENTRY_TABLES.map(
    (table) => `select *, '${table}'::text as source_table from ${physicalTable(table)} where workspace_id = $1 and flow_id = $2 and expires_at > $3`,
  ).join(' union all ');
  const winnersOnly = `exists (select 1 from store_winners w where w.workspace_id = $1 and w.flow_id = $2 and w.expires_at > $3
      and (w.session_id = e.session_id or (w.subject_hash is not null and w.subject_hash = e.subject_hash)))`;
  const participantKey = `coalesce(encode(e.subject_hash, 'hex'), e.participant_ref, e.id::text)`;
  const values: unknown[] = [workspaceId, flowId, now];
  let window = '';
  if (firstSeen) {
    values.push(firstSeen.from ?? new Date(0), firstSeen.to);
    window = 'where p.first_seen >= $4 and p.first_seen < $5';
  }
  const text =
    scope === 'participants'
      ? `select * from (select distinct on (${participantKey}) e.*, min(e.created_at) over (partition by ${participantKey}) as first_seen
          from (${union}) e order by ${participantKey}, e.created_at desc, e.id desc) p ${window} order by created_at, id`
      : `select e.* from (${union}) e ${scope === 'winners' ? `where ${winnersOnly}` : ''} order by e.created_at, e.id`;
  return { text, values };
}

/** Rows of the given sessions and subjects in one related table, grouped by entry. */
async function relatedRows(ctx: StoreContext, workspaceId: string, flowId: string, table: StoreTable, entries: RawEntry[], now: Date): Promise<Map<string, DecodedRow[]>> {
  const sessions = [...new Set(entries.map((e) => e.session_id).filter((s): s is string => s !== null))];
  const subjects = [...new Set(entries.map((e) => e.subject_hash?.toString('hex')).filter((s): s is string => s !== undefined))];
  const result = await sql<StoreRow>`
    select * from ${sql.table(physicalTable(table))}
    where workspace_id = ${workspaceId} and flow_id = ${flowId} and expires_at > ${now}
      and (session_id = any(${sessions}::uuid[]) or encode(subject_hash, 'hex') = any(${subjects}::text[]))
    order by created_at, id`.execute(ctx.db);
  const bySession = new Map<string, DecodedRow[]>();
  const bySubject = new Map<string, DecodedRow[]>();
  const push = (map: Map<string, DecodedRow[]>, key: string, row: DecodedRow) => (map.get(key) ?? map.set(key, []).get(key)!).push(row);
  for (const raw of result.rows) {
    const row = await decodeRow(ctx, table, raw);
    if (raw.session_id) push(bySession, raw.session_id, row);
    if (raw.subject_hash) push(bySubject, raw.subject_hash.toString('hex'), row);
  }
  const byEntry = new Map<string, DecodedRow[]>();
  for (const entry of entries) {
    const fromSession = entry.session_id ? (bySession.get(entry.session_id) ?? []) : [];
    const fromSubject = entry.subject_hash ? (bySubject.get(entry.subject_hash.toString('hex')) ?? []) : [];
    byEntry.set(entry.id, fromSubject.length === 0 ? fromSession : [...new Set([...fromSession, ...fromSubject])]);
  }
  return byEntry;
}

/**
 * Streams a flow's entries (participations and instant-win claims) oldest first — all of them,
 * one per participant (the latest), or winners only — each with its related rows. Expired rows
 * are excluded at query time.
 */
export function streamFlowRecords(
  ctx: StoreContext & { pool: pg.Pool },
  input: { workspaceId: string; flowId: string; scope: ExportScope; firstSeen?: FirstSeenWindow; related?: readonly StoreTable[]; batchSize?: number },
): Readable {
  const now = ctx.clock.now();
  return cursorStream<RawEntry, ExportRecord>(
    ctx.pool,
    entriesSql(input.workspaceId, input.flowId, now, input.firstSeen ? 'participants' : input.scope, input.firstSeen),
    async (entries) => {
      const tables = input.related ? RELATED_TABLES.filter((t) => input.related!.includes(t)) : RELATED_TABLES;
      const related = await Promise.all(tables.map(async (table) => [table, await relatedRows(ctx, input.workspaceId, input.flowId, table, entries, now)] as const));
      return Promise.all(
        entries.map(async (raw) => ({
          entry: await decodeRow(ctx, raw.source_table, raw),
          related: Object.fromEntries(related.map(([table, rows]) => [table, rows.get(raw.id) ?? []])),
        })),
      );
    },
    input.batchSize,
  );
}

/** Streams the live rows of one store table, oldest first, each as a record without relations. */
export function streamTableRecords(ctx: StoreContext & { pool: pg.Pool }, input: { workspaceId: string; table: StoreTable; flowId?: string; batchSize?: number }): Readable {
  const now = ctx.clock.now();
  const flowFilter = input.flowId ? 'and flow_id = $3' : '';
  return cursorStream<StoreRow, ExportRecord>(
    ctx.pool,
    {
      text: `select * from ${physicalTable(input.table)} where workspace_id = $1 and expires_at > $2 ${flowFilter} order by created_at, id`,
      values: input.flowId ? [input.workspaceId, now, input.flowId] : [input.workspaceId, now],
    },
    async (rows) => Promise.all(rows.map(async (row) => ({ entry: await decodeRow(ctx, input.table, row), related: {} }))),
    input.batchSize,
  );
}
