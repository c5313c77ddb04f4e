import { sql, type RawBuilder } from 'kysely';
import { effectiveRetentionDays, expiryFrom } from './retention-sql.js';
import { physicalTable, type StoreTable } from '../core/store-tables.js';
import type { StoreContext } from './store-context.js';
import { storeEvents } from './store-events.js';
import { prepareStoreRow, storesModule, writingWorkspace, type PreparedStoreRow, type StoreRowsInput, type StoreWrite, type WriteResult } from './store-writer.js';
import { webhookEventsOf, webhookOutboxCte } from './webhook-outbox.js';
import { LEDGER_RETURNING, SUBJECT_LEDGER_TABLES, subjectLedgerCte } from './subject-ledger.js';
import { ShapedStatements, slot } from './shaped-statements.js';

/** The columns of a store row as a statement's `values` list binds them: name, SQL type, where the value comes from. */
const ROW_VALUES: ReadonlyArray<readonly [string, string, (row: PreparedStoreRow) => unknown]> = [
  ['id', 'uuid', (r) => r.id],
  ['flow_id', 'uuid', (r) => r.flowId],
  ['session_id', 'uuid', (r) => r.sessionId],
  ['participant_ref', 'text', (r) => r.participantRef],
  ['subject_hash', 'bytea', (r) => r.subjectHash],
  ['module_id', 'text', (r) => r.moduleId],
  ['step_id', 'text', (r) => r.stepId],
  ['days', 'int', (r) => r.defaultRetentionDays],
  ['created_at', 'timestamptz', (r) => r.createdAt],
  ['data', 'jsonb', (r) => JSON.stringify(r.data)],
  ['personal', 'bytea', (r) => r.personal],
  ['preview', 'boolean', (r) => r.preview],
];
/** The `files` table's rows also bind their sealed file. */
const FILE_ROW_VALUES: typeof ROW_VALUES = [...ROW_VALUES, ['attachment', 'bytea', (r) => r.attachment]];
const rowValues = (table: StoreTable) => (table === 'files' ? FILE_ROW_VALUES : ROW_VALUES);

/**
 * `rows` in the order a shaped statement writing them reads them (each table's rows together, the
 * tables in order of their first row), and the key of that statement's shape: the tables, their
 * row counts and the webhook events the rows make (see shaped-statements.ts).
 */
export function storeRowsShape(rows: readonly PreparedStoreRow[]): { rows: PreparedStoreRow[]; key: string } {
  const byTable = new Map<StoreTable, PreparedStoreRow[]>();
  for (const row of rows) {
    const tableRows = byTable.get(row.table);
    if (tableRows) tableRows.push(row);
    else byTable.set(row.table, [row]);
  }
  const ordered = [...byTable.values()].flat();
  let key = '';
  for (const row of ordered) key += `${row.table}:${webhookEventsOf(row).join('+')},`;
  return { rows: ordered, key };
}

/**
 * The inserts of store rows as common table expressions, one multi-row insert per table, for a
 * shaped statement (shaped-statements.ts) that already has the workspace as `w`
 * (`writingWorkspace`) and reads a `StoreRowsInput` whose rows come in the order of `rows` (as
 * `storeRowsShape` orders them). Rows are written only while the workspace stores data and the
 * row's module is not switched off, with `expires_at` from its retention, both read by that same
 * statement. Each CTE (`stored_<table>`) returns the ids it stored and their `expires_at`; a
 * table looked up by subject also upserts its subject ledger rows (subject-ledger.ts), and rows
 * that make webhook events write them to the outbox, in the same statement.
 *
 * Example: `with w as (…), ${storeInsertCtes(rows).ctes} select ${storeInsertCtes(rows).storedIds}`.
 */
export function storeInsertCtes(rows: readonly PreparedStoreRow[]): { ctes: RawBuilder<unknown>[]; storedIds: RawBuilder<string[]> } {
  const byTable = new Map<StoreTable, number[]>();
  rows.forEach((row, index) => byTable.set(row.table, [...(byTable.get(row.table) ?? []), index]));
  const ctes: RawBuilder<unknown>[] = [];
  const names: string[] = [];
  for (const [table, indexes] of byTable) {
    const name = `stored_${table}`;
    names.push(name);
    const values = indexes.map((index) => {
      const columns = rowValues(table).map(([, type, pick]) => sql`${slot<StoreRowsInput>((input) => pick(input.rows[index]!))}::${sql.raw(type)}`);
      return sql`(${sql.join(columns)})`;
    });
    const expiry = expiryFrom(sql`v.created_at`, effectiveRetentionDays(sql`w.retention`, table, sql`v.module_id`, sql`v.days`));
    const file = table === 'files';
    ctes.push(sql`${sql.id(name)} as (
      insert into ${sql.table(physicalTable(table))}
        (id, workspace_id, flow_id, session_id, participant_ref, subject_hash, module_id, step_id,
         default_retention_days, created_at, expires_at, data, personal, preview${file ? sql`, attachment` : sql``})
      select v.id, w.id, v.flow_id, v.session_id, v.participant_ref, v.subject_hash, v.module_id, v.step_id,
        v.days, v.created_at, ${expiry}, v.data, v.personal, v.preview${file ? sql`, v.attachment` : sql``}
      from w cross join (values ${sql.join(values)}) as v (${sql.raw(rowValues(table).map(([column]) => column).join(', '))})
      where ${storesModule(sql`v.module_id`)}
      returning id, expires_at${SUBJECT_LEDGER_TABLES.has(table) ? sql`, ${LEDGER_RETURNING}` : sql``})`);
    const ledger = subjectLedgerCte(table, name);
    if (ledger) ctes.push(ledger);
  }
  const outbox = webhookOutboxCte(rows);
  if (outbox) ctes.push(outbox);
  const storedIds =
    names.length === 0
      ? sql<string[]>`array[]::uuid[]`
      : sql<string[]>`${sql.join(names.map((n) => sql`array(select id from ${sql.id(n)})`), sql` || `)}`;
  return { ctes, storedIds };
}

const WRITES = new ShapedStatements<StoreRowsInput>();

/**
 * Writes prepared rows of one workspace in one statement (one multi-row insert per table);
 * returns the ids stored with their expiry (none while the workspace has storage off).
 */
export async function writeStoreRows(ctx: StoreContext, workspaceId: string, rows: readonly PreparedStoreRow[]): Promise<ReadonlyMap<string, Date>> {
  if (rows.length === 0) return new Map();
  const shape = storeRowsShape(rows);
  const build = () => {
    const { ctes } = storeInsertCtes(shape.rows);
    const tables = [...new Set(shape.rows.map((r) => r.table))];
    const stored = sql.join(tables.map((table) => sql`select id, expires_at from ${sql.id(`stored_${table}`)}`), sql` union all `);
    return sql<{ id: string; expires_at: Date }>`
      with ${writingWorkspace(slot<StoreRowsInput>((input) => input.workspaceId))}, ${sql.join(ctes)}
      ${stored}`;
  };
  const result = await ctx.db.executeQuery(WRITES.compile(ctx.db, shape.key, build, { workspaceId, rows: shape.rows }));
  const stored = new Map(result.rows.map((r) => [r.id, r.expires_at]));
  for (const row of rows) storeEvents.emit('write', row.table, stored.has(row.id));
  return stored;
}

/**
 * Writes one row into a store table, stamping `expires_at` from the workspace's effective
 * retention in the same statement. When the workspace has storage switched off, for every module
 * or for this one, nothing is written and the result says so.
 */
export async function writeStoreRow(ctx: StoreContext, workspaceId: string, write: StoreWrite): Promise<WriteResult> {
  const row = await prepareStoreRow(ctx, workspaceId, write);
  const expiresAt = (await writeStoreRows(ctx, workspaceId, [row])).get(row.id);
  if (!expiresAt) return { stored: false, reason: 'storage_disabled' };
  return { stored: true, id: row.id, expiresAt };
}
