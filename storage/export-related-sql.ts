import pg from 'pg';
import { physicalTable, type StoreTable } from '../core/store-tables.js';
import { EXPORT_ROW_COLUMNS, exportRowColumns, relatedRowColumns } from './export-row.js';
import { ENTRY_TABLES, live, type FlowRead, type SqlStatement } from './export-source-sql.js';

/**
 * The related rows of the export's returning subjects, on the connection that reads them: the
 * subjects whose rows in the flow span more than one session (or have rows without one), every
 * related row of theirs with the table's position in `tables` (`table_n`). See
 * `returningSubjectsSql`.
 */
export const RETURNING_SUBJECTS = 'pg_temp.parley_export_subject_rows';

/** A store row's columns that the export and the liveness test read. */
const STORED = `${EXPORT_ROW_COLUMNS}, default_retention_days`;

/** The batch's sessions as the related-rows statement asks for them (see `sessionKeys`). */
export interface SessionKeys {
  /** Every session of the batch once, numbered from 1 in this order (`$4`). */
  readonly all: readonly string[];
  /** The bounds of the batch's dense run of sessions (uuid order), or null when there is none. */
  readonly low: string | null;
  readonly high: string | null;
  /** The sessions outside [low, high]. */
  readonly outliers: readonly string[];
}

/**
 * The rows of the `variables` table an export reads, when its fields say which: those of the
 * variables that modules captured under these names (`data.variable`, the key of the value they
 * seal), and with `host` the row of the host page's values (`data.host`). A flow with ten
 * questions exported for its email and one answer is sent two of its eleven rows per entry.
 */
export interface VariableRows {
  readonly names: readonly string[];
  readonly host: boolean;
}

/** The SQL condition on a `variables` row for `rows`; `names` is the parameter holding `rows.names` (a text[]). */
function variableRowsCondition(rows: VariableRows, names: string): string {
  const captured = `data->>'variable' = any(${names}::text[])`;
  return rows.host ? `(${captured} or data ? 'host')` : captured;
}

/**
 * Statements that fill `RETURNING_SUBJECTS` for a flow, as the export starts (its entries are
 * read as of then too), in two passes over the flow's rows that carry a subject: which subjects
 * have rows in the entry and related tables from more than one session (or none), then their
 * related rows (previews excluded; liveness is tested per batch). The entry tables are those the
 * export reads its entries from (`entryTables`, default `ENTRY_TABLES`). A subject whose rows all belong
 * to one session needs no lookup by subject: its entries' sessions bring those rows.
 *
 * A subject spans more than one session when its sessions' 64-bit hashes differ (one grouping
 * of its rows; two sessions of one subject share a hash with a chance of 2^-64). Grouping by
 * subject and session first, then by subject, took 547–579 ms of the pass's 900 at 100,000
 * entries against 491–509 ms, and analyzing every column of the collected rows 206–225 ms
 * against 91–96 ms for the subject's alone (PostgreSQL 15, 2 cores). In `parley export render`
 * (four alternated runs) PostgreSQL's CPU went from 4.5–5.3 s to 4.1–4.5 s, byte-identical output.
 */
export function returningSubjectsSql(
  read: FlowRead & { tables: readonly StoreTable[]; variableRows?: VariableRows | undefined; entryTables?: readonly StoreTable[] | undefined },
): SqlStatement[] {
  const flowRows = (columns: (n: number) => string, tables: ReadonlyArray<readonly [StoreTable, number]>, where: (table: StoreTable) => string = () => '') =>
    tables.map(([table, n]) => `select ${columns(n)} from ${physicalTable(table)} where workspace_id = $1 and flow_id = $2 and subject_hash is not null ${where(table)}`).join(' union all ');
  const related = read.tables.map((table, n) => [table, n] as const);
  const everyTable = [...(read.entryTables ?? ENTRY_TABLES).filter((table) => !read.tables.includes(table)).map((table) => [table, -1] as const), ...related];
  const sessions = flowRows(() => 'subject_hash, session_id', everyTable);
  // Of `variables`, only the rows the export reads (`$3`), as the batches read them.
  const variableRows = read.tables.includes('variables') ? read.variableRows : undefined;
  const rowsRead = (table: StoreTable) => `and not preview${table === 'variables' && variableRows ? ` and ${variableRowsCondition(variableRows, '$3')}` : ''}`;
  const rows = flowRows((n) => `${STORED}, ${n} as table_n`, related, rowsRead);
  return [
    { text: `create temp table if not exists parley_export_subject_rows as select ${STORED}, 0 as table_n from ${physicalTable(read.tables[0]!)} with no data`, values: [] },
    // The index is built once the rows are in: one sorted build instead of an insertion per row.
    { text: `drop index if exists ${RETURNING_SUBJECTS}_key`, values: [] },
    { text: `truncate ${RETURNING_SUBJECTS}`, values: [] },
    {
      text: `insert into ${RETURNING_SUBJECTS} select * from (${rows}) k
        where k.subject_hash in (select subject_hash from (${sessions}) r group by subject_hash
          having min(uuid_hash_extended(session_id, 0)) is distinct from max(uuid_hash_extended(session_id, 0)) or bool_or(session_id is null))`,
      values: [read.workspaceId, read.flowId, ...(variableRows ? [variableRows.names] : [])],
    },
    { text: `create index parley_export_subject_rows_key on ${RETURNING_SUBJECTS} (subject_hash)`, values: [] },
    // Only the column the batches look rows up by: its statistics choose their index scan.
    { text: `analyze ${RETURNING_SUBJECTS} (subject_hash)`, values: [] },
  ];
}

/** What the related-rows statement reads: the flow, its related tables, and how (see `relatedRowsSql`). */
export interface RelatedRead extends FlowRead {
  readonly tables: readonly StoreTable[];
  /** The rows of other sessions come from `RETURNING_SUBJECTS` (filled on the same connection). */
  readonly returning?: boolean | undefined;
  /** The tables whose rows are sent with their sealed values (the others' only say whether they have any). */
  readonly sealedTables: readonly StoreTable[];
  /** Per table, the partitions its session branches read, by name (see `sessionPartitions`); without them, the table. */
  readonly partitions?: ReadonlyArray<readonly string[]> | undefined;
  /** The `variables` rows the export's fields read; unset, every row of the table. */
  readonly variableRows?: VariableRows | undefined;
}

/**
 * The live rows of `tables` that belong to a batch of entries, in one statement, oldest first:
 * rows of the entries' sessions (`$4`) and rows of their data subjects (`$5`, subject hashes
 * compared as bytes) from other sessions, each row once. Every branch is served by an index and
 * costs about the rows it reads, however many partitions a store has (one per day of retention):
 * - sessions in [`$6`, `$7`], the batch's dense run (uuid v7 ids sort by start time), in one
 *   range scan of `(workspace_id, session_id)` per partition, each row's session then tested
 *   against the batch's (written so that it cannot become a lookup per session); the
 *   few outside it (`$8`, a branch only when there are some) one lookup each. A lookup per
 *   session probed every partition: 59 of them made a batch of 250 entries cost 150 ms on
 *   PostgreSQL 15 against 10 ms on one;
 * - with `partitions`, the session branches read only the named partitions of each table that
 *   may hold the batch's sessions (see `sessionPartitions`), one branch each, instead of the
 *   table: over the table, a generic plan locks and starts every partition. At 63 partitions per
 *   table (1,000,000 entries, PostgreSQL 15) a batch's binding took 2.3 ms and its execution
 *   4.7 ms on average, against 0.6 and 4.1 ms (statement log, one run each), and three
 *   alternated renders took 34.9–53.4 s against 28.8–35.5 s, same bytes. A table with
 *   none gets a branch that reads nothing (`and false`: no scan is planned);
 * - with `returning`, rows of other sessions come from `RETURNING_SUBJECTS`, one index, instead
 *   of a lookup per subject in every partition of every related table, in one branch for all the
 *   tables (each row's liveness by its table): a branch per table probed each subject once per
 *   table, 2.4 ms of the 5.6 ms PostgreSQL spent on a batch of 250 entries with four tables;
 * - every branch over a store table costs its partitions' start-up (about 35 µs each per
 *   statement on PostgreSQL 15), so there are as few as the batch needs;
 * - one condition per branch: an OR of them lets the generic plan scan the whole flow.
 * Rows carry only what an export reads of them (`relatedRowColumns`), sealed values only for the
 * tables that a selected field reads them from (`sealedTables`); of `variables`, only the rows its
 * fields read when they say which (`variableRows`, the names in the last parameter). After the related row's
 * three columns come the table's position in `tables`, and the 1-based
 * positions of the row's session in `$4` and subject in `$5` (null when not among them): the
 * caller groups rows by number, without string keys.
 */
export function relatedRowsSql(read: RelatedRead, sessions: SessionKeys, subjects: readonly string[]): SqlStatement {
  const { workspaceId, flowId, now, tables, sealedTables: sealed, variableRows } = read;
  // Rows of the batch's sessions come from the session branches only (`not in` a subquery is hashed).
  const otherSession = 'and (session_id is null or session_id not in (select unnest($4::uuid[])))';
  // The names of the variables read come after the batch's outliers, when there are some.
  const namesParameter = `$${sessions.outliers.length > 0 ? 9 : 8}`;
  const rowsRead = (table: StoreTable) => (table === 'variables' && variableRows ? ` and ${variableRowsCondition(variableRows, namesParameter)}` : '');
  const branches = tables.flatMap((table, i) => {
    const from = (relation: string) =>
      `select ${exportRowColumns(sealed.includes(table))}, ${i}::int as table_n from ${relation} where workspace_id = $1 and flow_id = $2 and ${live(table, '$3')} and not preview${rowsRead(table)}`;
    // Only the partitions that may hold the batch's sessions, when they are known; with none, a
    // branch that reads nothing (it keeps the statement's parameters, and PostgreSQL plans no scan).
    const named = read.partitions?.[i]?.map((name) => pg.escapeIdentifier(name));
    const relations = named && named.length > 0 ? named : [physicalTable(table)];
    const none = named && named.length === 0 ? ' and false' : '';
    return [
      ...relations.flatMap((relation) => [
        `${from(relation)}${none} and session_id between $6::uuid and $7::uuid and (session_id = any($4::uuid[])) is true`,
        ...(sessions.outliers.length > 0 ? [`${from(relation)}${none} and session_id = any($8::uuid[])`] : []),
      ]),
      ...(read.returning ? [] : [`${from(physicalTable(table))} and subject_hash = any($5::bytea[]) ${otherSession}`]),
    ];
  });
  // The returning subjects' rows of every table in one branch: one probe per subject, not one per subject and table.
  if (read.returning) {
    const liveness = tables.map((table, i) => `when ${i} then ${live(table, '$3')}`).join(' ');
    const sealedRows = tables.map((table, i) => (sealed.includes(table) ? i : -1)).filter((i) => i >= 0);
    // Every table's sealed values, none, or those of the rows whose table is among the sealed ones.
    const sent = sealedRows.length === tables.length ? true : sealedRows.length === 0 ? false : `table_n in (${sealedRows.join(', ')})`;
    const columns = exportRowColumns(sent);
    // Its `variables` rows are those the export reads already (see `returningSubjectsSql`).
    branches.push(`select ${columns}, table_n from ${RETURNING_SUBJECTS} where subject_hash = any($5::bytea[]) and (case table_n ${liveness} end) ${otherSession}`);
  }
  const text = `select ${relatedRowColumns('r.')}, r.table_n, s.n as session_n, h.n as subject_n from (${branches.join(' union all ')}) r
    left join unnest($4::uuid[]) with ordinality s(session_id, n) on s.session_id = r.session_id
    left join unnest($5::bytea[]) with ordinality h(subject_hash, n) on h.subject_hash = r.subject_hash
    order by r.created_at, r.id`;
  const outliers = sessions.outliers.length > 0 ? [sessions.outliers] : [];
  const names = tables.includes('variables') && variableRows ? [variableRows.names] : [];
  return { text, values: [workspaceId, flowId, now, sessions.all, subjects, sessions.low, sessions.high, ...outliers, ...names] };
}

/** Sessions further apart than this (by their uuid v7 start time) split a batch's dense run. */
const RUN_GAP_MS = 3_600_000;

/** A uuid v7's start time: its first 48 bits, milliseconds since the epoch (any other uuid gives noise). */
const startOf = (id: string): number => Number.parseInt(id.slice(0, 8) + id.slice(9, 13), 16);

/**
 * Splits a batch's sessions into its dense run and the rest: from the session in the middle of
 * the batch by start time, the run grows while the next session started within an hour. A batch
 * of entries oldest first has its sessions side by side; one that was left open for days, or ids
 * that are not uuid v7, become outliers, looked up one by one as before.
 */
export function sessionKeys(all: readonly string[]): SessionKeys {
  if (all.length === 0) return { all, low: null, high: null, outliers: [] };
  const starts = all.map(startOf);
  const order = all.map((_id, i) => i).sort((a, b) => starts[a]! - starts[b]!);
  let first = Math.floor(order.length / 2);
  let last = first;
  while (first > 0 && starts[order[first]!]! - starts[order[first - 1]!]! <= RUN_GAP_MS) first -= 1;
  while (last < order.length - 1 && starts[order[last + 1]!]! - starts[order[last]!]! <= RUN_GAP_MS) last += 1;
  let low = all[order[first]!]!;
  let high = low;
  for (let k = first; k <= last; k += 1) {
    const id = all[order[k]!]!;
    if (id < low) low = id;
    if (id > high) high = id;
  }
  return { all, low, high, outliers: all.filter((id) => id < low || id > high) };
}
