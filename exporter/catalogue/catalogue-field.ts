import type { FieldType, RawValue } from '../../core/field-type.js';
import type { ExportRecord } from '../../storage/export-source.js';
import type { StoreTable } from '../../core/store-tables.js';

export const FIELD_GROUPS = ['form', 'device', 'operation', 'gift', 'external', 'variable', 'custom'] as const;
export type FieldGroup = (typeof FIELD_GROUPS)[number];

/** What a field reader may know besides the record: the flow being exported. */
export interface ReadContext {
  readonly flow: { readonly hashId: string; readonly name: string } | null;
}

/** One field an export can select: its key (`group.name`), type, and how to read it from a record. */
export interface CatalogueField {
  readonly key: string;
  readonly group: FieldGroup;
  readonly label: string;
  readonly type: FieldType;
  readonly personal: boolean;
  /** Related tables this field reads beside the entry (the source loads only those). */
  readonly needs: readonly StoreTable[];
  read(record: ExportRecord, ctx: ReadContext): RawValue;
}

/** Scalar or Date from a JSON value; objects and arrays are not field values. */
export function scalar(value: unknown): RawValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  return null;
}
