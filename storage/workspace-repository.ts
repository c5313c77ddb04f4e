import { sql } from 'kysely';
import { randomUUID } from 'node:crypto';
import { inTransaction, type StoreContext } from './store-context.js';
import { reapplyRetention } from './retention-policy.js';
import { startRetentionMoves } from './retention-move.js';
import type { WorkspaceRow } from './schema.js';
import { validateWorkspaceSettings, type WorkspaceSettings } from './workspace-settings.js';
import { ParleyError } from '../core/errors.js';

export interface Workspace extends WorkspaceSettings {
  readonly id: string;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

function toWorkspace(row: WorkspaceRow): Workspace {
  return {
    id: row.id,
    name: row.name,
    timeZone: row.time_zone,
    storageEnabled: row.storage_enabled,
    storageOffModules: row.storage_off_modules,
    allowedOrigins: row.allowed_origins,
    retention: row.retention,
    auditRetentionDays: row.audit_retention_days,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Creates a workspace with its data key, in one transaction. */
export async function createWorkspace(ctx: StoreContext, input: unknown): Promise<Workspace> {
  const settings = validateWorkspaceSettings(input);
  if (!settings.name) throw new ParleyError('config_invalid', 'A workspace needs a name', { path: '/name' });
  const id = randomUUID();
  const row = await ctx.db.transaction().execute(async (trx) => {
    const inserted = await trx
      .insertInto('workspaces')
      .values({
        id,
        name: settings.name!,
        time_zone: settings.timeZone ?? 'UTC',
        storage_enabled: settings.storageEnabled ?? true,
        storage_off_modules: settings.storageOffModules ?? [],
        allowed_origins: JSON.stringify(settings.allowedOrigins ?? []),
        retention: JSON.stringify(settings.retention ?? {}),
        ...(settings.auditRetentionDays !== undefined && { audit_retention_days: settings.auditRetentionDays }),
        settings: '{}',
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await ctx.keyring.createKey(id, trx);
    return inserted;
  });
  return toWorkspace(row);
}

export async function getWorkspace(ctx: StoreContext, id: string): Promise<Workspace | undefined> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
  const row = await ctx.db.selectFrom('workspaces').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toWorkspace(row) : undefined;
}

/**
 * Applies a validated settings change. A retention change is re-applied to existing rows in
 * the same call, so a shorter retention hides older rows at once.
 */
export async function updateWorkspace(ctx: StoreContext, id: string, input: unknown): Promise<Workspace> {
  const change = validateWorkspaceSettings(input);
  // The new retention and its pending move commit together, so reads hide what it ended at once.
  const row = await inTransaction(ctx, async ({ db }) => {
    const updated = await db
      .updateTable('workspaces')
      .set({
        ...(change.name !== undefined && { name: change.name }),
        ...(change.timeZone !== undefined && { time_zone: change.timeZone }),
        ...(change.storageEnabled !== undefined && { storage_enabled: change.storageEnabled }),
        ...(change.storageOffModules !== undefined && { storage_off_modules: change.storageOffModules }),
        ...(change.allowedOrigins !== undefined && { allowed_origins: JSON.stringify(change.allowedOrigins) }),
        ...(change.retention !== undefined && { retention: JSON.stringify(change.retention) }),
        ...(change.auditRetentionDays !== undefined && { audit_retention_days: change.auditRetentionDays }),
        updated_at: sql<Date>`now()`,
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    if (updated && change.retention !== undefined) await startRetentionMoves(db, id, ctx.clock.now());
    return updated;
  });
  if (!row) throw new ParleyError('not_found', 'Workspace not found');
  if (change.retention !== undefined) await reapplyRetention(ctx, id);
  return toWorkspace(row);
}

/** Marks the workspace the first start seeded, so `/demo` can find it later. */
export async function markDemoWorkspace(ctx: StoreContext, id: string): Promise<void> {
  await sql`update workspaces set settings = settings || '{"demo": true}'::jsonb where id = ${id}`.execute(ctx.db);
}

/** The seeded demo workspace, if there is one. */
export async function findDemoWorkspaceId(ctx: StoreContext): Promise<string | undefined> {
  const row = await sql<{ id: string }>`select id from workspaces where settings @> '{"demo": true}'::jsonb order by created_at limit 1`.execute(ctx.db);
  return row.rows[0]?.id;
}
