import type { FieldType, RawValue } from '../../core/field-type.js';
import type { ExportRecord } from '../../storage/export-source.js';
import type { StoreTable } from '../../core/store-tables.js';
import type { VariableRows } from '../../storage/export-related-sql.js';

/** The sections of a field catalogue, in the order the export guide lists them. */
export const FIELD_GROUPS = ['form', 'device', 'operation', 'access_code', 'gift', 'external', 'variable', 'custom'] as const;
export type FieldGroup = (typeof FIELD_GROUPS)[number];

/** What each section is called and holds, for people choosing fields. */
export const FIELD_GROUP_INFO: Readonly<Record<FieldGroup, { readonly title: string; readonly description: string }>> = {
  form: { title: 'Form', description: "What the flow's steps collect, and the participation itself." },
  device: { title: 'Device', description: 'The device and page the participant came from.' },
  operation: { title: 'Operation', description: 'The operation (flow) and the time spent on it.' },
  access_code: { title: 'Access code', description: 'The access code the participant used.' },
  gift: { title: 'Gift', description: 'The gift won and its code.' },
  external: { title: 'External', description: 'Values partner systems attached to the entry (namespace.key).' },
  variable: { title: 'Host page variables', description: 'Values the page embedding the widget passed in.' },
  custom: { title: 'Custom', description: 'A column with a value you define; add as many as you like.' },
};

/** What a field reader may know besides the record: the flow being exported. */
export interface ReadContext {
  readonly flow: { readonly hashId: string; readonly name: string } | null;
}

/** A value a field takes, and what an owner reads for it (a choice's option id and its label). */
export interface FieldValue {
  readonly value: string;
  readonly label: string;
}

/** One field an export can select: its key (`group.name`), type, and how to read it from a record. */
export interface CatalogueField {
  readonly key: string;
  readonly group: FieldGroup;
  readonly label: string;
  readonly type: FieldType;
  readonly personal: boolean;
  /**
   * True when reading it decrypts sealed personal values (of the entry or a related row), even
   * when its own value is not personal: an export none of whose fields do reads no sealed bytes.
   */
  readonly sealed: boolean;
  /**
   * True when reading it may decrypt the entry's own sealed values (a table export's row is its
   * entry). An export none of whose fields do is sent no sealed values of its entries, whatever
   * its fields read of related rows: a flow's related export opened every participation's copy
   * of the email only to read the email from the variables.
   */
  readonly sealedEntry: boolean;
  /**
   * True when reading it may read the entry's own row beyond its table: its data, personal
   * values, dates or ids. An export whose every such field has a projection, and which reads
   * related rows, is sent its entries' keys and projected values only (see `EntryColumns`).
   */
  readonly readsEntry: boolean;
  /** Related tables this field reads beside the entry (the source loads only those). */
  readonly needs: readonly StoreTable[];
  /**
   * For a field that needs `variables`: the rows of it that it reads (see `VariableRows`). An
   * export whose every such field says so is sent those rows only; unset, every row.
   */
  readonly variableRows?: VariableRows | undefined;
  /** The same value computed by PostgreSQL from the entry row, for fields that read nothing else. */
  readonly projection?: EntryProjection | undefined;
  /** The values it takes, each with what an owner reads, when they are known (see `CollectedField.values`). */
  readonly values?: readonly FieldValue[] | undefined;
  read(record: ExportRecord, ctx: ReadContext): RawValue;
}

/**
 * A field's value as an SQL expression over the entry row's columns (a code constant, never user
 * input) and how to decode PostgreSQL's text of it. An export whose fields all have one reads
 * these values only: PostgreSQL extracts them as `COPY` would, and the export neither receives nor
 * parses the entry's JSON data.
 */
export interface EntryProjection {
  readonly sql: string;
  decode(text: string | null): RawValue;
}

/**
 * A JSON value's text (`data->'key'`), as `scalar` reads the value. Strings without escapes and
 * booleans skip `JSON.parse`: it took 6 % of the CPU profile of a projected export of 200,000
 * entries (five such values each).
 */
export function jsonScalar(text: string | null): RawValue {
  if (text === null) return null;
  if (text.charCodeAt(0) === 34 && !text.includes('\\')) return text.slice(1, -1);
  if (text === 'true') return true;
  if (text === 'false') return false;
  return scalar(JSON.parse(text));
}

/** Scalar or Date from a JSON value; objects and arrays are not field values. */
export function scalar(value: unknown): RawValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  return null;
}
