import type pg from 'pg';
import { physicalTable, type StoreTable } from '../core/store-tables.js';
import type { SessionKeys } from './export-related-sql.js';

/**
 * One partition of a related table that holds rows of the export's workspace with a session: its
 * name, and the lowest and highest of those rows' session ids.
 */
export interface SessionSpan {
  readonly name: string;
  readonly first: string;
  readonly last: string;
}

/** Per related table (by its position in the export's `tables`), its partitions' session spans. */
export type SessionSpans = ReadonlyArray<readonly SessionSpan[]>;

/**
 * Reads, on `client`, the session spans of every partition of `tables` (the default one
 * included) for the workspace: two lookups of the `(workspace_id, session_id)` index per
 * partition, in one round trip. The spans hold for the snapshot the statement runs in; the export
 * reads them in a repeatable-read transaction and runs every batch in it (see
 * `RelatedConnection`), so no row moves between partitions, or reaches one, behind their back, and
 * no partition they name can be dropped before the transaction ends (it holds a lock on each).
 */
export async function readSessionSpans(client: pg.ClientBase, workspaceId: string, tables: readonly StoreTable[]): Promise<SessionSpans> {
  const parents = tables.map(physicalTable);
  const partitions = await client.query<{ parent: string; name: string }>(
    `select parent.relname as parent, child.relname as name from pg_inherits i
       join pg_class parent on parent.oid = i.inhparent join pg_class child on child.oid = i.inhrelid
     where parent.relname = any($1::text[]) and pg_table_is_visible(parent.oid) order by 1, 2`,
    [parents],
  );
  const spans: SessionSpan[][] = tables.map(() => []);
  if (partitions.rows.length === 0) return spans;
  // One small statement per partition, sent together (simple protocol, no parameters): one union
  // of them all took PostgreSQL 0.58 s to plan for 252 partitions.
  const workspace = client.escapeLiteral(workspaceId);
  const text = partitions.rows
    .map(({ name }) => {
      // uuid has no min() before PostgreSQL 16: each end is the first row of the index one way.
      const end = (order: 'asc' | 'desc') =>
        `(select session_id from ${client.escapeIdentifier(name)} where workspace_id = ${workspace} and session_id is not null order by session_id ${order} limit 1)::text`;
      return `select ${end('asc')} as first, ${end('desc')} as last`;
    })
    .join(';\n');
  const answered = (await client.query(text)) as unknown as pg.QueryResult<{ first: string | null; last: string | null }> | Array<pg.QueryResult<{ first: string | null; last: string | null }>>;
  const results = Array.isArray(answered) ? answered : [answered];
  results.forEach((result, k) => {
    const { first, last } = result.rows[0]!;
    if (first === null || last === null) return;
    const { parent, name } = partitions.rows[k]!;
    spans[parents.indexOf(parent as (typeof parents)[number])]!.push({ name, first, last });
  });
  return spans;
}

/**
 * The partitions of a table that may hold rows of the batch's sessions (its dense run `low`–`high`
 * and its outliers): those whose session span meets them, by name. Session ids compare as text,
 * in PostgreSQL's uuid order (lower-case hex at fixed places). A statement over the parent table
 * locked and started a scan in every partition, one per day of retention (see `relatedRowsSql`
 * for the figures); pruning them by an expiry range in the generic plan made PostgreSQL read the
 * expiry index instead.
 */
export function sessionPartitions(spans: readonly SessionSpan[], keys: SessionKeys): string[] {
  const meets = (span: SessionSpan) =>
    (keys.low !== null && keys.high !== null && span.first <= keys.high && span.last >= keys.low) || keys.outliers.some((id) => span.first <= id && id <= span.last);
  return spans.filter(meets).map((span) => span.name);
}
