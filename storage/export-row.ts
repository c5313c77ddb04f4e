import { rowEnvelope, type DecodedRow } from './store-reader.js';
import type { StoreTable } from '../core/store-tables.js';

/** The columns an export reads from a store row (no workspace id, no retention days). */
export interface ExportRawRow {
  readonly id: string;
  readonly flow_id: string | null;
  readonly session_id: string | null;
  readonly participant_ref: string | null;
  readonly subject_hash: Buffer | null;
  readonly module_id: string;
  readonly step_id: string | null;
  readonly created_at: Date;
  readonly expires_at: Date;
  readonly data: Record<string, unknown>;
  readonly personal: Buffer | null;
}

/** Decrypts one sealed JSON value of the exported workspace, synchronously. */
export type PersonalOpener = (sealed: Buffer) => Record<string, unknown>;

/** A store row as an export reads it (see `exportRow`). */
export type ExportRow = DecodedRow;

/**
 * A store row as an export reads it. Personal values are decrypted the first time a field reads
 * them, so rows whose personal values no selected field needs are never decrypted (`personal` is
 * a getter: copying the row with a spread would decrypt it).
 */
export function exportRow(table: StoreTable, raw: Omit<ExportRawRow, 'subject_hash'>, open: PersonalOpener | undefined): ExportRow {
  let sealed = raw.personal;
  let personal: Record<string, unknown> | null | undefined = sealed ? undefined : null;
  return {
    ...rowEnvelope(table, raw),
    get personal() {
      if (personal === undefined) {
        personal = open!(sealed!);
        sealed = null;
      }
      return personal;
    },
  };
}
