import { createHash } from 'node:crypto';
import type pg from 'pg';
import { relatedRowsSql } from './export-source-sql.js';
import { EXPORT_TYPES } from './timestamp-parser.js';
import { exportRow, type ExportRawRow, type ExportRow, type PersonalOpener } from './export-row.js';
import type { StoreTable } from '../core/store-tables.js';

type RelatedRaw = Omit<ExportRawRow, 'subject_hash'> & { subject_key: string | null; source_table: StoreTable };

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
  readonly workspaceId: string;
  readonly flowId: string;
  readonly now: Date;
  readonly tables: readonly StoreTable[];
  readonly open: () => Promise<PersonalOpener>;
}

/**
 * The connection an export reads related rows on, held for the whole export. The statement is
 * prepared once and planned generically (its plan does not depend on the batch), and parallel
 * workers are off: starting them costs more than a batch's few thousand index lookups.
 */
export class RelatedConnection {
  #client: Promise<pg.PoolClient> | undefined;
  #released = false;

  constructor(private readonly pool: pg.Pool) {}

  async query<R extends pg.QueryResultRow>(statement: { text: string; values: unknown[] }): Promise<pg.QueryResult<R>> {
    if (this.#released) throw new Error('The export has ended');
    this.#client ??= this.pool.connect().then(async (client) => {
      try {
        await client.query('set max_parallel_workers_per_gather = 0; set plan_cache_mode = force_generic_plan');
        return client;
      } catch (error) {
        client.release(error as Error);
        throw error;
      }
    });
    const client = await this.#client;
    const name = `parley_export_related_${createHash('sha1').update(statement.text).digest('hex').slice(0, 16)}`;
    return client.query<R>({ name, text: statement.text, values: statement.values, types: EXPORT_TYPES });
  }

  /** Gives the connection back to the pool with its settings reset (or destroys it after an error). */
  async release(error?: Error): Promise<void> {
    if (this.#released) return;
    this.#released = true;
    const client = await this.#client?.catch(() => undefined);
    if (!client) return;
    if (error) {
      client.release(error);
      return;
    }
    try {
      await client.query('reset max_parallel_workers_per_gather; reset plan_cache_mode');
      client.release();
    } catch (cause) {
      client.release(cause as Error);
    }
  }
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
export async function readRelatedRows(query: RelatedQuery, connection: RelatedConnection, entries: readonly RelatedKey[]): Promise<Array<Partial<Record<StoreTable, readonly ExportRow[]>>>> {
  if (query.tables.length === 0) return entries.map(() => ({}));
  const sessions = new Set<string>();
  const subjects = new Map<string, Buffer>();
  for (const entry of entries) {
    if (entry.session_id) sessions.add(entry.session_id);
    if (entry.subject_hash) subjects.set(entry.subject_hash.toString('base64'), entry.subject_hash);
  }
  const statement = relatedRowsSql(query.workspaceId, query.flowId, query.now, query.tables, [...sessions], [...subjects.values()]);
  const result = await connection.query<RelatedRaw>(statement);
  const open = result.rows.some((raw) => raw.personal !== null) ? await query.open() : undefined;
  const bySession = new Map<StoreTable, Map<string, Ranked[]>>();
  const bySubject = new Map<StoreTable, Map<string, Ranked[]>>();
  for (const table of query.tables) {
    bySession.set(table, new Map());
    bySubject.set(table, new Map());
  }
  result.rows.forEach((raw, rank) => {
    const ranked = { rank, row: exportRow(raw.source_table, raw, open) };
    if (raw.session_id) push(bySession.get(raw.source_table)!, raw.session_id, ranked);
    if (raw.subject_key) push(bySubject.get(raw.source_table)!, raw.subject_key, ranked);
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
