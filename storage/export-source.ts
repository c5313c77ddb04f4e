import type pg from 'pg';
import type { Readable } from 'node:stream';
import { cursorStream } from './cursor-stream.js';
import type { DatabaseHandle } from './database.js';
import { DEFAULT_STATEMENT_CACHE } from './statement-cache.js';
import { NO_RELATED_ROWS, readRelatedRows, RelatedConnection } from './export-related-rows.js';
import { EXPORT_ROW_WIDTH, ExportRowView, hasPersonal, KeyedEntryView, ProjectedRowView, RAW_TYPES, SEALED_NOT_READ, type PersonalOpener, type RawColumns } from './export-row.js';
import { ENTRY_TABLES, entriesSql, entryTablesSql, sentEntryColumns, tableRowsSql, type EntryColumns, type ExportScope, type FirstSeenWindow } from './export-source-sql.js';
import type { StoreContext } from './store-context.js';
import type { VariableRows } from './export-related-sql.js';
import type { DecodedRow } from './store-reader.js';
import { SESSION_ENTRY_TABLES, type StoreTable } from '../core/store-tables.js';

export { EXPORT_SCOPES, participantScope, type EntryColumns, type ExportScope, type FirstSeenWindow } from './export-source-sql.js';

/** Tables that may be read beside each entry, by session or data subject, to fill in its fields. */
const RELATED_TABLES: readonly StoreTable[] = ['variables', 'consents', 'winners', 'codes', 'instant_win_claims', 'loyalty'];

/**
 * How an export's rows travel: `COPY (…) TO STDOUT`, streamed without a round trip per batch
 * (see `CopyReader`), or a cursor, which a reader that stops early (a preview) can close without
 * losing its connection. Entries read with related rows always take a cursor: each batch then
 * waits for its related rows (about 9 ms), and entries streamed ahead meanwhile outlived young
 * collections. Measured on 500,000 entries of the bench's related export (four alternated runs):
 * peak RSS 175–185 MB through COPY against 122–125 MB (once 174) through the cursor, and at
 * 1,000,000 entries delivered with GPG 210 MB, over the 200 MB target; 55.1 s against 57.0 s
 * (medians), not worth it.
 */
export type RecordTransport = 'copy' | 'cursor';

/** An entry: a store row, and the values its statement projected (see `EntryProjection`). */
export interface ExportEntry extends DecodedRow {
  /** The text of the `k`th projected value (0-based), or null. */
  projected(k: number): string | null;
}

/** One entry with the rows of the same session (or data subject) in the other tables, oldest first. */
export interface ExportRecord {
  readonly entry: ExportEntry;
  readonly related: Readonly<Partial<Record<StoreTable, readonly DecodedRow[]>>>;
}

/** A chunk of the record streams below: the records of one batch, in order (never empty). */
export type RecordBatch = readonly ExportRecord[];

/**
 * Entries per batch, and batches read ahead while one is consumed. Measured on 100,000 entries
 * with related fields (`parley export render`, peak RSS of the process): at 1,000 entries and 2
 * ahead, a batch's rows (about seven related rows per entry) outlived two young-generation
 * collections and were promoted, so the old generation filled with garbage: 209 MB peak RSS for
 * 4 MB of live data, 4.7 s. At 250 and 3 ahead: 141 MB and 3.5 s (less copying, same overlap of
 * database and CPU work). An export of entry fields only runs as fast either way. GPG encryption
 * allocates more beside the batches, and with 3 ahead four runs in six of the same export to a
 * local destination with GPG (200,000 entries, `parley export run`) peaked at 201–213 MB and took
 * 5.9–7.9 s (the others 136 MB, 5.3–5.7 s); with 2 ahead twelve runs in twelve peaked at 134–138 MB
 * in 5.7–6.1 s. Rendering without GPG: 126–131 MB either way, and 5.1–5.6 s against 5.3–5.8 s.
 * At 1,000,000 entries (with the serializer's 16 KiB chunks): with GPG 202–208 MB against
 * 136–137 MB; rendering without it 30.3–31.0 s against 33.6–34.2 s, the price of two ahead.
 */
const BATCH_ENTRIES = 250;
const READ_AHEAD = 2;

/**
 * Batches of entries whose rows are read beyond those (see `readAheadRows` in `cursorStream`),
 * for exports that read related rows. Without them, the related rows of a batch were asked for
 * only once its entries had come back, and that round trip waited for the event loop to finish
 * mapping the batch before (about 3 ms): timestamps of the 2,000 batches of a 500,000-entry
 * export showed the mapper waiting 8.7 s of 18.7 for batches, 6.4 s of it for entries still being
 * read. `parley export render` of the bench's related export, 500,000 entries, four alternated
 * rounds: none 17.3–17.8 s; one 14.5–15.6 s; two 14.3–14.9 s, all at 128–134 MB peak RSS; four
 * 14.2–14.9 s at 182–191 MB (entries read that far ahead outlived young collections).
 */
const READ_AHEAD_ROWS = 1;

/**
 * The export cursor's settings: no parallel workers. With them, PostgreSQL sorts a flow's entries
 * in parallel before the first row (a Gather Merge, 130 ms for 200,000 entries, with its temporary
 * files) instead of reading them in order from an index; on two cores the workers would also take
 * the export's own CPU. No nested loop: the only joins are winners-only exports' entries to the
 * flow's winning sessions and subjects (see `entriesSql`), which a nested loop would compare pair
 * by pair wherever the statistics promise few of them, as they did for the related rows (see
 * `RELATED_SETTINGS`).
 */
export const ENTRY_SETTINGS = { max_parallel_workers_per_gather: '0', enable_nestloop: 'off' };

/** An entry's raw columns: the export row's, then its table (a projected entry's: see `ProjectedRowView`). */
const SOURCE_TABLE = EXPORT_ROW_WIDTH;

/**
 * The workspace's decryptor, shared by every batch of one export. Its key is loaded before the
 * export takes its connections (a pool of two would otherwise have none left for it). When the
 * key cannot be loaded (crypto-shredded), the decryptor throws that error, so the export fails
 * only if a selected field reads a personal value.
 */
function openerOf(ctx: StoreContext, workspaceId: string): { preload(): Promise<void>; get(): Promise<PersonalOpener> } {
  let opener: Promise<PersonalOpener> | undefined;
  const get = () =>
    (opener ??= ctx.keyring.jsonOpener<Record<string, unknown>>(workspaceId).catch((error: unknown): PersonalOpener => () => {
      throw error;
    }));
  return { preload: () => get().then(() => {}), get };
}

async function toRows(raws: readonly RawColumns[], tableOf: (raw: RawColumns) => StoreTable, open: () => Promise<PersonalOpener>): Promise<ExportRowView[]> {
  const opener = raws.some(hasPersonal) ? await open() : undefined;
  const views = raws.map((raw) => new ExportRowView(tableOf(raw), raw, opener));
  ExportRowView.openAll(views, opener);
  return views;
}

/**
 * Streams a flow's entries (participations and instant-win claims, or with `sessionEntries` one
 * per session) oldest first, in record batches (`RecordBatch` chunks) — all of them, one per participant (the latest), winners only,
 * or both — each with its related rows. Expired rows are excluded at query time. Per batch of
 * entries: one cursor read and one index-served statement for the related rows; personal values
 * are decrypted only when a field reads them, and sent at all only when a field may (`sealed`,
 * default true; the entries' own only when `sealedEntry` too, the related tables' those of
 * `sealedRelated`).
 */
export function streamFlowRecords(
  ctx: StoreContext & { pool: pg.Pool; database?: Pick<DatabaseHandle, 'statementCache'> },
  input: {
    workspaceId: string;
    flowId: string;
    scope: ExportScope;
    firstSeen?: FirstSeenWindow;
    related?: readonly StoreTable[];
    sealed?: boolean;
    /**
     * Whether a field may read the entries' own sealed values (default: as `sealed`); else the
     * entries' are not sent, and reading one throws (`SEALED_NOT_READ`). An export of the email
     * from the variables opened every entry's too: `parley export render` of 20,000 entries ran
     * 8.89 G instructions with them, 8.20–8.24 G without (callgrind, start included).
     */
    sealedEntry?: boolean;
    /** The related tables whose sealed values a field may read (default: all of them when `sealed`); the others' are not sent. */
    sealedRelated?: readonly StoreTable[];
    /** The `variables` rows the fields read, when they say which (default: every row; see `VariableRows`). */
    variableRows?: VariableRows;
    /** SQL over an entry's columns whose values are read instead of the entry's (see `entriesSql`). */
    projections?: readonly string[];
    /** What is sent of each entry (default: `projected` with projections, else `full`; see `EntryColumns`). */
    entryColumns?: EntryColumns;
    batchSize?: number;
    /** Default `'copy'`; entries read with related rows take a cursor whatever this says (see `RecordTransport`). */
    transport?: RecordTransport;
    /** The flow writes no entries: each session that stored a row is one (see `entriesSql`). */
    sessionEntries?: boolean;
  },
): Readable {
  const now = ctx.clock.now();
  const sealed = input.sealed ?? true;
  const opener = sealed ? openerOf(ctx, input.workspaceId) : { preload: async () => {}, get: async () => SEALED_NOT_READ };
  const open = opener.get;
  const sealedEntry = sealed && (input.sealedEntry ?? true);
  const openEntries = sealedEntry ? open : async () => SEALED_NOT_READ;
  const tables = input.related ? RELATED_TABLES.filter((t) => input.related!.includes(t)) : RELATED_TABLES;
  const entryColumns = sentEntryColumns(input);
  // Exports of all of a flow's entries (or participants) read most of its rows: one pass that finds
  // its returning subjects spares every batch a lookup per subject (see `relatedRowsSql`).
  const returning = tables.length > 0 && !input.firstSeen && (input.scope === 'entries' || input.scope === 'participants');
  const entryTables = input.sessionEntries ? SESSION_ENTRY_TABLES : ENTRY_TABLES;
  const related = { workspaceId: input.workspaceId, flowId: input.flowId, now, tables, sealedTables: sealed ? (input.sealedRelated ?? tables) : [], returning, open, variableRows: input.variableRows, entryTables };
  const connection = new RelatedConnection(ctx.pool, ctx.database?.statementCache ?? DEFAULT_STATEMENT_CACHE, related);
  const entries = async (client: pg.PoolClient) => {
    const read = { workspaceId: input.workspaceId, flowId: input.flowId, now, sealed: sealedEntry, scope: input.scope, firstSeen: input.firstSeen, projections: input.projections, entryColumns };
    if (input.sessionEntries) return entriesSql({ ...read, sessions: true });
    const present = await client.query<{ name: StoreTable }>(entryTablesSql(input.workspaceId, input.flowId));
    return entriesSql({ ...read, tables: present.rows.map((row) => row.name) });
  };
  return cursorStream<RawColumns, ExportRecord>(
    ctx.pool,
    entries,
    async (raws) => {
      const entries =
        entryColumns === 'projected' ? raws.map((raw) => new ProjectedRowView(raw))
        : entryColumns === 'keys' ? raws.map((raw) => new KeyedEntryView(raw))
        : await toRows(raws, (raw) => raw[SOURCE_TABLE] as StoreTable, openEntries);
      const relatedRows = await readRelatedRows(related, connection, entries);
      return entries.map((entry, i) => ({ entry, related: relatedRows[i]! }));
    },
    { batchSize: input.batchSize ?? BATCH_ENTRIES, readAhead: READ_AHEAD, readAheadRows: tables.length > 0 ? READ_AHEAD_ROWS : 0, types: RAW_TYPES, rowMode: 'array', copy: input.transport !== 'cursor' && tables.length === 0, settings: ENTRY_SETTINGS, before: opener.preload, onClose: (error) => connection.release(error) },
  );
}

/** Streams the live rows of one store table, oldest first, each as a record without relations, in record batches. */
export function streamTableRecords(
  ctx: StoreContext & { pool: pg.Pool },
  input: { workspaceId: string; table: StoreTable; flowId?: string; batchSize?: number; transport?: RecordTransport },
): Readable {
  const opener = openerOf(ctx, input.workspaceId);
  const open = opener.get;
  return cursorStream<RawColumns, ExportRecord>(
    ctx.pool,
    tableRowsSql(input.workspaceId, input.table, ctx.clock.now(), input.flowId),
    async (raws) => (await toRows(raws, () => input.table, open)).map((entry) => ({ entry, related: NO_RELATED_ROWS })),
    { batchSize: input.batchSize, types: RAW_TYPES, rowMode: 'array', copy: input.transport !== 'cursor', settings: ENTRY_SETTINGS, before: opener.preload },
  );
}
