import { physicalTable, SESSION_ENTRY_TABLES, type StoreTable } from '../core/store-tables.js';
import { entryKeyColumns, exportRowColumns, exportRowColumnsAs } from './export-row.js';
import { effectiveRetentionDaysText } from './retention-sql.js';

/** A statement and its parameters. */
export interface SqlStatement {
  readonly text: string;
  readonly values: unknown[];
}

/**
 * Which rows of a flow an export reads: every entry, one per participant (the latest), winners'
 * entries, or one per participant who won (participants only and winners only together).
 */
export type ExportScope = 'entries' | 'participants' | 'winners' | 'winning_participants';

/** Every scope, in the order the API lists them. */
export const EXPORT_SCOPES: readonly ExportScope[] = ['entries', 'participants', 'winners', 'winning_participants'];

/** The scope that keeps one row per participant and still keeps only winners when `scope` does (daily modes). */
export function participantScope(scope: ExportScope): ExportScope {
  return scope === 'winners' || scope === 'winning_participants' ? 'winning_participants' : 'participants';
}

/**
 * What an export is sent of each entry: `full`, its row (a field reads it); `keys`, its id,
 * session and subject, its table and its projected values (its fields read related rows, and of
 * the entry only projected values: see `KeyedEntryView`); `projected`, its table and projected
 * values only (every field is projected: see `ProjectedRowView`).
 */
export type EntryColumns = 'full' | 'keys' | 'projected';

/** What a read sends of each entry: as it says, else its projected values when it has projections, else its row. */
export const sentEntryColumns = (read: { projections?: readonly string[] | undefined; entryColumns?: EntryColumns | undefined }): EntryColumns =>
  read.entryColumns ?? (read.projections ? 'projected' : 'full');

/** Tables whose rows are a flow's entries (one participation each). */
export const ENTRY_TABLES: readonly StoreTable[] = ['participations', 'instant_win_claims'];

/** What a flow export reads: the flow, the time rows are live at, and whether sealed values are read. */
export interface FlowRead {
  readonly workspaceId: string;
  readonly flowId: string;
  readonly now: Date;
  /** False when no selected field reads sealed personal values (see `exportRowColumns`). */
  readonly sealed?: boolean | undefined;
}

/** The columns an export reads from a store row, first in every row of these statements (see `ExportRowView`). */
export const columnsOf = (read: { sealed?: boolean | undefined }): string => exportRowColumns(read.sealed ?? true);

/** Only participants whose first entry falls in [from, to) (daily trigger modes). */
export interface FirstSeenWindow {
  readonly from: Date | null;
  readonly to: Date;
}

/**
 * Every statement here reads live rows that no console preview session wrote (`not preview`: a
 * column of the row, so excluding previews costs no join). `$1` is the workspace.
 */

/**
 * The liveness of a row of `table` (prefix `alias`) at `now` (a placeholder): not expired, and
 * not ended by a shortened retention whose move is still pending (retention-move.ts), as
 * `liveRow` has it on the other read paths. Both subqueries are uncorrelated, so PostgreSQL runs
 * each once per statement (InitPlans): with no move pending, a row costs one comparison more.
 */
export function live(table: StoreTable, now: string, alias = ''): string {
  const days = effectiveRetentionDaysText('(select retention from workspaces where id = $1)', table, `${alias}module_id`, `${alias}default_retention_days`);
  return `${alias}expires_at > ${now} and ((select not exists (select 1 from store_retention_moves where workspace_id = $1 and table_name = '${table}'))
    or ${alias}created_at + make_interval(days => ${days}) > ${now})`;
}

/**
 * Which entry tables hold rows of a flow (a row each, `name`), previews and expired rows
 * included: a superset, read on the export's connection just before its cursor opens. Each test
 * is one descent of the `(workspace_id, flow_id, created_at)` index per partition.
 */
export function entryTablesSql(workspaceId: string, flowId: string): SqlStatement {
  const tests = ENTRY_TABLES.map((table) => `select '${table}'::text as name where exists (select 1 from ${physicalTable(table)} where workspace_id = $1 and flow_id = $2)`);
  return { text: tests.join(' union all '), values: [workspaceId, flowId] };
}

/**
 * The distinct sessions (`session_id`) or subjects (`subject_hash`) of a flow's live winners, as a
 * relation of that one column (nulls left out): what winners-only exports join their entries to.
 * It was an EXISTS per entry over every winners partition (a BitmapOr of two index probes in each):
 * 1.5 s of PostgreSQL before the first row of 100,000 entries, which a hash join of the two sets
 * makes one pass over the flow's winners. Each set holds a value once, so an entry matches once.
 */
function winnersOf(column: 'session_id' | 'subject_hash'): string {
  return `(select distinct w.${column} from store_winners w where w.workspace_id = $1 and w.flow_id = $2 and ${live('winners', '$3', 'w.')} and not w.preview and w.${column} is not null)`;
}

/** The flow's live rows of `tables` (`columns`, then the row's table as `source_table`), in one relation. */
function storeRowsSql(tables: readonly StoreTable[], columns: string): string {
  return tables
    .map((table) => `select ${columns}, '${table}'::text as source_table from ${physicalTable(table)} where workspace_id = $1 and flow_id = $2 and ${live(table, '$3')} and not preview`)
    .join(' union all ');
}

/**
 * The entries of a flow that writes none (no giveaway, no instant win: a sign-up, a survey): per
 * session, its first live row in `SESSION_ENTRY_TABLES` (a row without a session is its own),
 * with the session's first data subject (a survey may ask the email last) and without its sealed
 * values. Its date is the entry's date; its values come from the session's rows, read as related
 * rows, the entry's own among them. Before, such a flow exported no rows. The subject's window
 * orders rows as DISTINCT ON does, so one sort serves both.
 */
function sessionEntriesSql(): string {
  const key = 'coalesce(session_id, id)';
  const rows = storeRowsSql(SESSION_ENTRY_TABLES, exportRowColumnsAs({ personal: 'null::bytea' }));
  const subject = '(array_agg(subject_hash) filter (where subject_hash is not null) over session)[1]';
  return `select distinct on (${key}) ${exportRowColumnsAs({ subject_hash: subject })}, source_table from (${rows}) s
    window session as (partition by ${key} order by created_at, id rows between unbounded preceding and unbounded following)
    order by ${key}, created_at, id`;
}

/**
 * A flow's live entries, oldest first: all of them, the latest per participant, or winners only.
 * A participant is a winner when any of their entries won; a window (`firstSeen`) selects
 * participants by their first entry, so it always reads one row per participant. `tables`: the
 * entry tables to read (see `entryTablesSql`). With one table and no parallel workers, PostgreSQL
 * reads the entries in order from an index and streams the first at once; a union of two is
 * sorted whole before its first row (about 1.4 µs and 480 bytes of temporary file per entry).
 * `projections` (SQL over an entry's columns, see `EntryProjection`): each row is then the entry's
 * table and these values, after the entry's keys with `entryColumns` `keys` (see `EntryColumns`).
 */
export function entriesSql(
  read: FlowRead & {
    scope: ExportScope;
    firstSeen?: FirstSeenWindow | undefined;
    tables?: readonly StoreTable[];
    /** The flow writes no entries: each session that stored a row is one (see `sessionEntriesSql`); `tables` is then unused. */
    sessions?: boolean | undefined;
    projections?: readonly string[] | undefined;
    entryColumns?: EntryColumns | undefined;
  },
): SqlStatement {
  const { workspaceId, flowId, now, scope, firstSeen } = read;
  const tables = read.tables && read.tables.length > 0 ? read.tables : ENTRY_TABLES;
  const union = read.sessions ? sessionEntriesSql() : storeRowsSql(tables, columnsOf(read));
  // With projections: the entry's table (after the entry's keys, with `keys`), then each projection (over the row's columns).
  const entryColumns = sentEntryColumns(read);
  const projected = (alias: string) => [`${alias}.source_table`, ...(read.projections ?? []).map((sql) => `(${sql})`)].join(', ');
  const output = (alias: string) =>
    entryColumns === 'projected' ? projected(alias) : entryColumns === 'keys' ? `${entryKeyColumns(`${alias}.`)}, ${projected(alias)}` : `${alias}.*`;
  // Whether an entry's session or subject won: each entry looked up in the flow's winning sessions
  // and subjects, read once each (see `winnersOf`), not a probe of every winners partition per entry.
  const winnerJoins = ` left join ${winnersOf('session_id')} ws on ws.session_id = e.session_id left join ${winnersOf('subject_hash')} wh on wh.subject_hash = e.subject_hash`;
  const won = '(ws.session_id is not null or wh.subject_hash is not null)';
  const participantKey = `coalesce(encode(e.subject_hash, 'hex'), e.participant_ref, e.id::text)`;
  // A participant's latest entry first: DISTINCT ON's order, and the window's, so one sort serves both.
  const latestFirst = 'e.created_at desc, e.id desc';
  const values: unknown[] = [workspaceId, flowId, now];
  const winnersOnly = scope === 'winners' || scope === 'winning_participants';
  const filters: string[] = [];
  if (firstSeen) {
    values.push(firstSeen.from ?? new Date(0), firstSeen.to);
    filters.push('p.first_seen >= $4 and p.first_seen < $5');
  }
  if (winnersOnly) filters.push('p.won');
  const where = filters.length > 0 ? `where ${filters.join(' and ')}` : '';
  const text =
    scope === 'participants' || scope === 'winning_participants' || firstSeen
      ? `select ${output('p')} from (select distinct on (${participantKey}) e.*, min(e.created_at) over participant as first_seen${winnersOnly ? `, bool_or(${won}) over participant as won` : ''}
          from (${union}) e${winnersOnly ? winnerJoins : ''}
          window participant as (partition by ${participantKey} order by ${latestFirst} rows between unbounded preceding and unbounded following)
          order by ${participantKey}, ${latestFirst}) p ${where} order by p.created_at, p.id`
      : `select ${output('e')} from (${union}) e ${winnersOnly ? `${winnerJoins} where ${won}` : ''} order by e.created_at, e.id`;
  return { text, values };
}

/** The live rows of one store table, oldest first (optionally one flow's only). */
export function tableRowsSql(workspaceId: string, table: StoreTable, now: Date, flowId?: string): SqlStatement {
  const flowFilter = flowId ? 'and flow_id = $3' : '';
  return {
    text: `select ${columnsOf({})} from ${physicalTable(table)} where workspace_id = $1 and ${live(table, '$2')} and not preview ${flowFilter} order by created_at, id`,
    values: flowId ? [workspaceId, now, flowId] : [workspaceId, now],
  };
}
