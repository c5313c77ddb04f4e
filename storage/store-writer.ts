import { sql } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import { effectiveRetentionDays, expiryFrom } from './retention-sql.js';
import type { StoreContext } from './store-context.js';
import { MAX_RETENTION_DAYS, physicalTable, type StoreTable } from '../core/store-tables.js';
import type { WriteResult } from '../core/module-contract.js';
import { ParleyError } from '../core/errors.js';
import { storeEvents } from './store-events.js';

/** One row a module wants stored. Personal values go in `personal` and are encrypted at rest. */
export interface StoreWrite {
  table: StoreTable;
  moduleId: string;
  /** The module's default retention for this table, stamped on the row. */
  defaultRetentionDays: number;
  flowId?: string | null;
  sessionId?: string | null;
  stepId?: string | null;
  /** A pseudonymous participant id (never an email). */
  participantRef?: string | null;
  /** Non-personal values, stored as JSON. */
  data?: Record<string, unknown>;
  /** Personal values (email, names, free text, IP, …), stored encrypted. */
  personal?: Record<string, unknown> | null;
  /** The normalized data subject (an email), stored only as a keyed hash for lookups. */
  subject?: string | null;
}

export type { WriteResult };

/**
 * Writes one row into a store table, stamping `expires_at` from the workspace's effective
 * retention in the same statement. When the workspace has storage switched off nothing is
 * written and the result says so.
 */
export async function writeStoreRow(ctx: StoreContext, workspaceId: string, write: StoreWrite): Promise<WriteResult> {
  const days = write.defaultRetentionDays;
  if (!Number.isInteger(days) || days < 1 || days > MAX_RETENTION_DAYS) {
    throw new ParleyError('config_invalid', 'Default retention must be a whole number of days', { path: `/tables/${write.table}/retentionDays` });
  }
  const personal =
    write.personal && Object.keys(write.personal).length > 0 ? await ctx.keyring.encryptJson(workspaceId, write.personal) : null;
  const subjectHash = write.subject ? await ctx.keyring.lookupHash(workspaceId, write.subject) : null;
  const createdAt = ctx.clock.now();
  const expiry = expiryFrom(
    sql`${createdAt}::timestamptz`,
    effectiveRetentionDays(sql`w.retention`, write.table, sql`${write.moduleId}::text`, sql`${days}::int`),
  );
  const result = await sql<{ id: string; expires_at: Date }>`
    insert into ${sql.table(physicalTable(write.table))}
      (id, workspace_id, flow_id, session_id, participant_ref, subject_hash, module_id, step_id,
       default_retention_days, created_at, expires_at, data, personal)
    select ${uuidv7()}, w.id, ${write.flowId ?? null}, ${write.sessionId ?? null}, ${write.participantRef ?? null},
      ${subjectHash}, ${write.moduleId}, ${write.stepId ?? null}, ${days}, ${createdAt}, ${expiry},
      ${JSON.stringify(write.data ?? {})}::jsonb, ${personal}
    from workspaces w
    where w.id = ${workspaceId} and w.storage_enabled
    returning id, expires_at`.execute(ctx.db);
  const row = result.rows[0];
  storeEvents.emit('write', write.table, row !== undefined);
  if (!row) return { stored: false, reason: 'storage_disabled' };
  return { stored: true, id: row.id, expiresAt: row.expires_at };
}
