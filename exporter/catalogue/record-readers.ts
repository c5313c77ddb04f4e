import type { DecodedRow } from '../../storage/store-reader.js';
import type { ExportRecord } from '../../storage/export-source.js';
import type { StoreTable } from '../../core/store-tables.js';
import { ENTRY_TABLES } from '../../storage/export-source-sql.js';

/**
 * The value of `key` in the entry itself when it is a participation of `table`, else in the
 * latest related row of `table` that has it (data or personal values); with `step`, of the rows
 * that step wrote only (their `data.step_id`). A session's entry (see
 * `SESSION_ENTRY_TABLES`) is among its session's related rows, and is not read as an entry: its
 * sealed values are not sent with it.
 */
export function readStored(record: ExportRecord, table: StoreTable, key: string, personal: boolean, step?: string): unknown {
  const pick = (row: DecodedRow) => (step !== undefined && row.data.step_id !== step ? undefined : personal ? row.personal?.[key] : row.data[key]);
  if (record.entry.table === table && ENTRY_TABLES.includes(table)) {
    const own = pick(record.entry);
    if (own !== undefined) return own;
  }
  const rows = record.related[table] ?? [];
  for (let i = rows.length - 1; i >= 0; i -= 1) {
    const value = pick(rows[i]!);
    if (value !== undefined) return value;
  }
  return undefined;
}

/** The entry's `data.device` facts. */
export function device(record: ExportRecord): Record<string, unknown> {
  const facts = record.entry.data.device;
  return typeof facts === 'object' && facts !== null ? (facts as Record<string, unknown>) : {};
}

/** The latest winners row of the entry's session or subject. */
export function latestWin(record: ExportRecord): DecodedRow | undefined {
  const rows = record.related.winners ?? [];
  return rows[rows.length - 1];
}
