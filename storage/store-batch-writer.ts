import { sql, type RawBuilder } from 'kysely';
import { effectiveRetentionDays, expiryFrom } from './retention-sql.js';
import { physicalTable, type StoreTable } from '../core/store-tables.js';
import type { StoreContext } from './store-context.js';
import { storeEvents } from './store-events.js';
import { storesModule, writingWorkspace, type PreparedStoreRow } from './store-writer.js';
import { webhookOutboxCte } from './webhook-outbox.js';
import { LEDGER_RETURNING, SUBJECT_LEDGER_TABLES, subjectLedgerCte } from './subject-ledger.js';

/**
 * The inserts of a turn's store rows as common table expressions, one multi-row insert per
 * table, for a statement that already has the workspace as `w` (`writingWorkspace`). Rows are
 * written only while the workspace stores data and the row's module is not switched off, with `expires_at` from its retention,
 * both read by that same statement. Each CTE returns the ids it stored; a table looked up by
 * subject also upserts its subject ledger rows (subject-ledger.ts) in the same statement.
 *
 * Example: `with w as (…), ${insertsAsCtes(rows).ctes} select ${insertsAsCtes(rows).storedIds}`.
 */
export function storeInsertCtes(rows: readonly PreparedStoreRow[]): { ctes: RawBuilder<unknown>[]; storedIds: RawBuilder<string[]> } {
  const byTable = new Map<StoreTable, PreparedStoreRow[]>();
  for (const row of rows) byTable.set(row.table, [...(byTable.get(row.table) ?? []), row]);
  const ctes: RawBuilder<unknown>[] = [];
  const names: string[] = [];
  for (const [table, tableRows] of byTable) {
    const name = `stored_${table}`;
    names.push(name);
    const values = tableRows.map(
      (r) => sql`(${r.id}::uuid, ${r.flowId}::uuid, ${r.sessionId}::uuid, ${r.participantRef}::text, ${r.subjectHash}::bytea, ${r.moduleId}::text,
        ${r.stepId}::text, ${r.defaultRetentionDays}::int, ${r.createdAt}::timestamptz, ${JSON.stringify(r.data)}::jsonb, ${r.personal}::bytea, ${r.preview}::boolean)`,
    );
    const expiry = expiryFrom(sql`v.created_at`, effectiveRetentionDays(sql`w.retention`, table, sql`v.module_id`, sql`v.days`));
    ctes.push(sql`${sql.id(name)} as (
      insert into ${sql.table(physicalTable(table))}
        (id, workspace_id, flow_id, session_id, participant_ref, subject_hash, module_id, step_id,
         default_retention_days, created_at, expires_at, data, personal, preview)
      select v.id, w.id, v.flow_id, v.session_id, v.participant_ref, v.subject_hash, v.module_id, v.step_id,
        v.days, v.created_at, ${expiry}, v.data, v.personal, v.preview
      from w cross join (values ${sql.join(values)}) as v (id, flow_id, session_id, participant_ref, subject_hash, module_id, step_id, days, created_at, data, personal, preview)
      where ${storesModule(sql`v.module_id`)}
      returning id${SUBJECT_LEDGER_TABLES.has(table) ? sql`, ${LEDGER_RETURNING}` : sql``})`);
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

/**
 * Writes prepared rows of one workspace in one statement (one multi-row insert per table);
 * returns the ids stored (none while the workspace has storage off).
 */
export async function writeStoreRows(ctx: StoreContext, workspaceId: string, rows: readonly PreparedStoreRow[]): Promise<ReadonlySet<string>> {
  if (rows.length === 0) return new Set();
  const { ctes, storedIds } = storeInsertCtes(rows);
  const result = await sql<{ stored: string[] }>`
    with ${writingWorkspace(workspaceId)}, ${sql.join(ctes)}
    select ${storedIds} as stored`.execute(ctx.db);
  const stored = new Set(result.rows[0]?.stored ?? []);
  for (const row of rows) storeEvents.emit('write', row.table, stored.has(row.id));
  return stored;
}
