import type { DecodedRow } from './store-reader.js';
import { parseTimestamptz } from './timestamp-parser.js';
import type { StoreTable } from '../core/store-tables.js';

/**
 * Decrypts one sealed JSON value of the exported workspace, synchronously; `all`, when it has it,
 * a batch of them at once (see `ExportRowView.openAll`).
 */
export type PersonalOpener = ((sealed: Buffer) => Record<string, unknown>) & { all?(sealed: readonly Buffer[]): Array<Record<string, unknown>> };

/** A store row as an export reads it. */
export type ExportRow = DecodedRow;

/** The columns every export statement starts its rows with, in this order, and their types. */
const ROW_COLUMN_TYPES = {
  id: 'uuid',
  flow_id: 'uuid',
  session_id: 'uuid',
  participant_ref: 'text',
  subject_hash: 'bytea',
  module_id: 'text',
  step_id: 'text',
  created_at: 'timestamptz',
  expires_at: 'timestamptz',
  data: 'jsonb',
  personal: 'bytea',
} as const;
type RowColumn = keyof typeof ROW_COLUMN_TYPES;

/**
 * The export row's columns (`rowMode: 'array'`, every value as PostgreSQL's text: see
 * `RAW_TYPES`). Statements may add columns after them.
 */
export const EXPORT_ROW_COLUMNS = Object.keys(ROW_COLUMN_TYPES).join(', ');
export const EXPORT_ROW_WIDTH = Object.keys(ROW_COLUMN_TYPES).length;

/** The export row's columns of `alias`, each one not in `sent` as a typed null (a length each on the wire). */
function rowColumns(sent: readonly RowColumn[], alias = ''): string {
  return Object.entries(ROW_COLUMN_TYPES)
    .map(([name, type]) => (sent.includes(name as RowColumn) ? `${alias}${name}` : `null::${type} as ${name}`))
    .join(', ');
}

/** What an export reads of an entry that only ties related rows to it (see `KeyedEntryView`). */
const ENTRY_KEYS_SENT: readonly RowColumn[] = ['id', 'session_id', 'subject_hash'];

/** The export row's columns of an entry read for its keys only (prefix `alias`): the rest are nulls. */
export const entryKeyColumns = (alias: string): string => rowColumns(ENTRY_KEYS_SENT, alias);

/** The export row's columns, those named in `values` computed by their SQL expression instead. */
export function exportRowColumnsAs(values: Partial<Record<RowColumn, string>>): string {
  return Object.keys(ROW_COLUMN_TYPES)
    .map((name) => (values[name as RowColumn] === undefined ? name : `${values[name as RowColumn]} as ${name}`))
    .join(', ');
}

/**
 * The columns of a related row as an export reads it (prefix `alias`): its id, data and personal
 * values, and nothing else (`RELATED_ROW_WIDTH` columns; see `RelatedRowView`). PostgreSQL formats
 * no timestamps, ids or hashes that no field reads (the statement orders rows by the full columns
 * before its output), and node-pg splits three columns per row instead of eleven, eight of them
 * nulls. `parley export render` of the bench's related export at 500,000 entries (machine's
 * PostgreSQL 15, six alternated pairs of runs, medians): 13.63 → 12.68 s, the CLI's CPU 9.13 →
 * 8.69 s (lower in every pair), same bytes.
 */
export const relatedRowColumns = (alias: string): string => `${alias}id, ${alias}data, ${alias}personal`;
export const RELATED_ROW_WIDTH = 3;

/**
 * The export row's columns, for an export that reads sealed personal values or not (or, given an
 * SQL condition over the row, for the rows that meet it). Without them, `personal` only says
 * whether the row has any (an empty `\x`): PostgreSQL sends 2 characters, not the whole sealed
 * value in hex (about 120 per row), and the row view refuses to read it (see `SEALED_NOT_READ`).
 */
export function exportRowColumns(sealed: boolean | string): string {
  if (sealed === true) return EXPORT_ROW_COLUMNS;
  const marker = `case when personal is null then null else '\\x'::bytea end`;
  return EXPORT_ROW_COLUMNS.replace(/personal$/, sealed === false ? `${marker} as personal` : `case when ${sealed} then personal else ${marker} end as personal`);
}

/** The decryptor of an export that selected no field reading sealed values: reading one is a bug. */
export const SEALED_NOT_READ: PersonalOpener = () => {
  throw new Error('This export did not read sealed values: a field reads them without saying so (CatalogueField.sealed)');
};

const ID = 0;
const FLOW = 1;
const SESSION = 2;
const REF = 3;
/** `\x…` hex text of the subject hash (a map key; never decoded). */
const SUBJECT = 4;
const MODULE = 5;
const STEP = 6;
const CREATED = 7;
const EXPIRES = 8;
const DATA = 9;
const PERSONAL = 10;
/** Where a view finds its data and personal values in its raw row. */
interface ValueColumns {
  readonly data: number;
  readonly personal: number;
}
const ROW_VALUES: ValueColumns = { data: DATA, personal: PERSONAL };
/** A related row's, after its id (`relatedRowColumns`). */
const RELATED_VALUES: ValueColumns = { data: 1, personal: 2 };

/** Statements of projected entries send the entry's table, then the projected values (see `entriesSql`). */
const PROJECTED_TABLE = 0;
const PROJECTED = 1;

/** A raw export row: PostgreSQL's text of each column, or null. */
export type RawColumns = ReadonlyArray<string | null>;

const identity = (text: string): string => text;
/** pg type parsers that leave every value as its text: an export decodes only what its fields read. */
export const RAW_TYPES = { getTypeParser: () => identity };

/**
 * A store row as an export reads it, over the raw text PostgreSQL sent: the timestamps, the JSON
 * data and the personal values are decoded the first time a field reads them, so a related row
 * that no selected field reads costs one small object. Hand-written for the export's hot path:
 * the CPU profile of a 100k-entry export with related fields spent 27 % in garbage collection of
 * eagerly decoded rows (pg row objects, dates, parsed JSON, spread envelopes). Reading
 * `personal` decrypts (once); the properties are getters, so a spread copies nothing.
 */
export class ExportRowView implements DecodedRow {
  #createdAt: Date | undefined;
  #expiresAt: Date | undefined;
  #data: Record<string, unknown> | undefined;
  #personal: Record<string, unknown> | null | undefined;

  constructor(
    readonly table: StoreTable,
    protected readonly raw: RawColumns,
    private readonly open: PersonalOpener | undefined,
    /** Position in the statement's order (oldest first), for merging related lists. */
    readonly rank = 0,
  ) {}

  get id(): string {
    return this.raw[ID]!;
  }
  /** Where this view's data and personal values are in its raw row (a related row's are sent narrower). */
  protected get values(): ValueColumns {
    return ROW_VALUES;
  }
  /** The text of the `k`th value of a projected entry (see `ProjectedRowView`); a full row has none. */
  projected(_k: number): string | null {
    throw new Error('This entry was read whole: its statement projected no value (entriesSql)');
  }
  get flowId(): string | null {
    return this.raw[FLOW] ?? null;
  }
  get sessionId(): string | null {
    return this.raw[SESSION] ?? null;
  }
  get participantRef(): string | null {
    return this.raw[REF] ?? null;
  }
  /** The subject hash as PostgreSQL's hex text (`\x…`), or null. */
  get subjectKey(): string | null {
    return this.raw[SUBJECT] ?? null;
  }
  get moduleId(): string {
    return this.raw[MODULE]!;
  }
  get stepId(): string | null {
    return this.raw[STEP] ?? null;
  }
  get createdAt(): Date {
    return (this.#createdAt ??= parseTimestamptz(this.raw[CREATED]!) as Date);
  }
  get expiresAt(): Date {
    return (this.#expiresAt ??= parseTimestamptz(this.raw[EXPIRES]!) as Date);
  }
  get data(): Record<string, unknown> {
    return (this.#data ??= JSON.parse(this.raw[this.values.data]!) as Record<string, unknown>);
  }
  get personal(): Record<string, unknown> | null {
    if (this.#personal === undefined) {
      const sealed = this.raw[this.values.personal];
      this.#personal = sealed == null ? null : this.open!(Buffer.from(sealed.slice(2), 'hex'));
    }
    return this.#personal;
  }

  /**
   * Decrypts the sealed values of the `views` that `opener` opens, all at once (`opener.all`: one
   * call to the block cipher for the batch instead of one per value), before any field reads them.
   * When one fails to open, none is kept: each view then opens its own when a field reads it, and
   * fails there, as it would have without this.
   */
  static openAll(views: readonly ExportRowView[], opener: PersonalOpener | undefined): void {
    if (!opener?.all) return;
    const sealed = views.filter((view) => view.open === opener && view.#personal === undefined && view.raw[view.values.personal] != null);
    if (sealed.length === 0) return;
    let opened: Array<Record<string, unknown>>;
    try {
      opened = opener.all(sealed.map((view) => Buffer.from(view.raw[view.values.personal]!.slice(2), 'hex')));
    } catch {
      return;
    }
    sealed.forEach((view, i) => (view.#personal = opened[i]!));
  }
}

/** True when a raw row holds sealed personal values (so the batch needs the decryptor). */
export const hasPersonal = (raw: RawColumns): boolean => raw[PERSONAL] != null;
/** The same for a related row (`relatedRowColumns`). */
export const hasRelatedPersonal = (raw: RawColumns): boolean => raw[RELATED_VALUES.personal] != null;

/**
 * `ExportRowView` whose getters of `columns` (getter → column) throw `message(column)`: the
 * columns its statement did not send, so a field reader reading one fails instead of reading a
 * null or another column's text.
 */
function withUnsentColumns(columns: Readonly<Record<string, string>>, message: (column: string) => string): typeof ExportRowView {
  const view = class extends ExportRowView {};
  for (const [getter, column] of Object.entries(columns)) {
    Object.defineProperty(view.prototype, getter, {
      get(): never {
        throw new Error(message(column));
      },
    });
  }
  return view;
}

const ROW_GETTERS = {
  flowId: 'flow_id',
  sessionId: 'session_id',
  participantRef: 'participant_ref',
  subjectKey: 'subject_hash',
  moduleId: 'module_id',
  stepId: 'step_id',
  createdAt: 'created_at',
  expiresAt: 'expires_at',
} as const;

/**
 * A related row as an export reads it (`relatedRowColumns`): its id, data and personal values;
 * reading any other column is a bug in a field reader, and throws instead of reading another
 * column's text.
 */
export class RelatedRowView extends withUnsentColumns(ROW_GETTERS, (column) => `An export reads the id, data and personal values of related rows, not ${column} (relatedRowColumns)`) {
  protected override get values(): ValueColumns {
    return RELATED_VALUES;
  }
}

/**
 * An entry of an export whose every field is an entry projection (`entriesSql`): its table, then
 * the projected values' texts, and no column of the row. PostgreSQL sends and the export splits
 * eight columns per entry of the bench's export instead of nineteen (eleven of them nulls).
 */
export class ProjectedRowView extends withUnsentColumns(
  { ...ROW_GETTERS, id: 'id', data: 'data', personal: 'personal' },
  (column) => `An export of projected fields reads no column of the entry, not ${column} (entriesSql)`,
) {
  constructor(raw: RawColumns) {
    super(raw[PROJECTED_TABLE] as StoreTable, raw, undefined);
  }
  override projected(k: number): string | null {
    return this.raw[PROJECTED + k] ?? null;
  }
}

/** The getters of the columns a keyed entry is not sent: every one but its id, session and subject (`ENTRY_KEYS_SENT`). */
const { sessionId: _sessionId, subjectKey: _subjectKey, ...KEYED_ENTRY_UNSENT } = { ...ROW_GETTERS, data: 'data', personal: 'personal' } as const;

/**
 * An entry of an export that reads related rows and whose fields read nothing else of the entry
 * than projected values (`EntryColumns` `keys`): its id, session and subject (what ties related
 * rows to it), its table, then the projected values' texts. Its data, personal values and dates
 * are not sent, and no entry's JSON data is parsed: the bench's related export (8 fields, 3 of
 * them the entry's) of 300,000 entries cost PostgreSQL 593 ms for its entries instead of 946
 * (statement log), and `parley export render` of 50,000 ran 13.19 G instructions instead of
 * 14.13 G (callgrind, start included), same bytes.
 */
export class KeyedEntryView extends withUnsentColumns(
  KEYED_ENTRY_UNSENT,
  (column) => `An export whose entry fields are projected reads the entry's keys only, not ${column} (entriesSql)`,
) {
  constructor(raw: RawColumns) {
    super(raw[EXPORT_ROW_WIDTH] as StoreTable, raw, undefined);
  }
  override projected(k: number): string | null {
    return this.raw[EXPORT_ROW_WIDTH + 1 + k] ?? null;
  }
}
