import type pg from 'pg';
import { relatedRowsSql } from './export-source-sql.js';
import { ExportRow, type ExportRawRow, type PersonalOpener } from './export-row.js';
import type { StoreTable } from './store-tables.js';

type RelatedRaw = ExportRawRow & { source_table: StoreTable };

/** A related row and its rank in the statement's order (oldest first). */
interface Ranked {
  readonly rank: number;
  readonly row: ExportRow;
}

const NONE: readonly ExportRow[] = Object.freeze([]);

function push(map: Map<string, Ranked[]>, key: string, ranked: Ranked): void {
  const list = map.get(key);
  if (list) list.push(ranked);
  else map.set(key, [ranked]);
}

/** Two rank-ordered lists as one, oldest first, each row once. */
function merge(a: readonly Ranked[] | undefined, b: readonly Ranked[] | undefined): readonly ExportRow[] {
  if (!a || a.length === 0) return b ? b.map((r) => r.row) : NONE;
  if (!b || b.length === 0) return a.map((r) => r.row);
  const rows: ExportRow[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const x = a[i];
    const y = b[j];
    if (y === undefined || (x !== undefined && x.rank < y.rank)) {
      rows.push(x!.row);
      i += 1;
    } else if (x === undefined || y.rank < x.rank) {
      rows.push(y.row);
      j += 1;
    } else {
      rows.push(x.row);
      i += 1;
      j += 1;
    }
  }
  return rows;
}

/** What a batch of entries needs from the related tables. */
export interface RelatedQuery {
  readonly pool: pg.Pool;
  readonly workspaceId: string;
  readonly flowId: string;
  readonly now: Date;
  readonly tables: readonly StoreTable[];
  readonly open: () => Promise<PersonalOpener>;
}

/** Entry fields that tie related rows to it. */
export interface RelatedKey {
  readonly session_id: string | null;
  readonly subject_hash: Buffer | null;
}

/**
 * Reads the related rows of a batch of entries in one index-served statement and returns, per
 * entry (same order), each table's rows of its session or data subject, oldest first.
 */
export async function readRelatedRows(query: RelatedQuery, entries: readonly RelatedKey[]): Promise<Array<Partial<Record<StoreTable, readonly ExportRow[]>>>> {
  if (query.tables.length === 0) return entries.map(() => ({}));
  const sessions = new Set<string>();
  const subjects = new Map<string, Buffer>();
  for (const entry of entries) {
    if (entry.session_id) sessions.add(entry.session_id);
    if (entry.subject_hash) subjects.set(entry.subject_hash.toString('base64'), entry.subject_hash);
  }
  const statement = relatedRowsSql(query.workspaceId, query.flowId, query.now, query.tables, [...sessions], [...subjects.values()]);
  const result = await query.pool.query<RelatedRaw>(statement.text, statement.values);
  const open = result.rows.some((raw) => raw.personal !== null) ? await query.open() : undefined;
  const bySession = new Map<StoreTable, Map<string, Ranked[]>>();
  const bySubject = new Map<StoreTable, Map<string, Ranked[]>>();
  for (const table of query.tables) {
    bySession.set(table, new Map());
    bySubject.set(table, new Map());
  }
  result.rows.forEach((raw, rank) => {
    const ranked = { rank, row: new ExportRow(raw.source_table, raw, open) };
    if (raw.session_id) push(bySession.get(raw.source_table)!, raw.session_id, ranked);
    if (raw.subject_hash) push(bySubject.get(raw.source_table)!, raw.subject_hash.toString('base64'), ranked);
  });
  return entries.map((entry) => {
    const related: Partial<Record<StoreTable, readonly ExportRow[]>> = {};
    const subject = entry.subject_hash?.toString('base64');
    for (const table of query.tables) {
      const fromSession = entry.session_id ? bySession.get(table)!.get(entry.session_id) : undefined;
      const fromSubject = subject ? bySubject.get(table)!.get(subject) : undefined;
      related[table] = merge(fromSession, fromSubject);
    }
    return related;
  });
}
