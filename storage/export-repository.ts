import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { StoreContext } from './store-context.js';
import { liveRow } from './retention-move.js';
import { physicalTable } from '../core/store-tables.js';

/** A stored export definition; secrets (destination credentials) are kept apart, encrypted. */
export interface ExportRecordRow {
  readonly id: string;
  readonly workspaceId: string;
  readonly name: string;
  readonly definition: Record<string, unknown>;
  readonly hasSecrets: boolean;
  readonly version: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

interface Raw {
  id: string;
  workspace_id: string;
  name: string;
  definition: Record<string, unknown>;
  secrets: Buffer | null;
  version: number;
  created_at: Date;
  updated_at: Date;
}

const toRow = (r: Raw): ExportRecordRow => ({
  id: r.id,
  workspaceId: r.workspace_id,
  name: r.name,
  definition: r.definition,
  hasSecrets: r.secrets !== null,
  version: r.version,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** A definition to store as JSON (the exporter validated it); its name is kept in a column of its own too. */
export interface StoredDefinitionJson {
  readonly name: string;
}

/** Stores a new export definition with its credentials sealed under the workspace's key. */
export async function createExport<D extends StoredDefinitionJson>(ctx: StoreContext, workspaceId: string, definition: D, secrets: Record<string, unknown> | null): Promise<ExportRecordRow> {
  const now = ctx.clock.now();
  const sealed = secrets ? await ctx.keyring.encryptJson(workspaceId, secrets) : null;
  const result = await sql<Raw>`
    insert into exports (id, workspace_id, name, definition, secrets, created_at, updated_at)
    values (${randomUUID()}, ${workspaceId}, ${definition.name}, ${JSON.stringify(definition)}::jsonb, ${sealed}, ${now}, ${now})
    returning *`.execute(ctx.db);
  return toRow(result.rows[0]!);
}

/** Replaces a definition; `secrets` undefined keeps the stored ones (they are write-only). */
export async function replaceExport<D extends StoredDefinitionJson>(ctx: StoreContext, workspaceId: string, id: string, definition: D, secrets: Record<string, unknown> | null | undefined): Promise<ExportRecordRow | undefined> {
  const sealed = secrets ? await ctx.keyring.encryptJson(workspaceId, secrets) : null;
  const result = await sql<Raw>`
    update exports set name = ${definition.name}, definition = ${JSON.stringify(definition)}::jsonb,
      secrets = ${secrets === undefined ? sql`secrets` : sql`${sealed}`}, version = version + 1, updated_at = ${ctx.clock.now()}
    where id = ${id} and workspace_id = ${workspaceId}
    returning *`.execute(ctx.db);
  return result.rows[0] ? toRow(result.rows[0]) : undefined;
}

export async function getExport(ctx: StoreContext, workspaceId: string, id: string): Promise<ExportRecordRow | undefined> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
  const result = await sql<Raw>`select * from exports where id = ${id} and workspace_id = ${workspaceId}`.execute(ctx.db);
  return result.rows[0] ? toRow(result.rows[0]) : undefined;
}

/** The decrypted secrets of an export (destination credentials), for a run. */
export async function getExportSecrets(ctx: StoreContext, workspaceId: string, id: string): Promise<Record<string, unknown> | null> {
  const result = await sql<{ secrets: Buffer | null }>`select secrets from exports where id = ${id} and workspace_id = ${workspaceId}`.execute(ctx.db);
  const sealed = result.rows[0]?.secrets;
  return sealed ? ctx.keyring.decryptJson<Record<string, unknown>>(workspaceId, sealed) : null;
}

export async function listExports(ctx: StoreContext, workspaceId: string): Promise<ExportRecordRow[]> {
  const result = await sql<Raw>`select * from exports where workspace_id = ${workspaceId} order by created_at, id`.execute(ctx.db);
  return result.rows.map(toRow);
}

export async function deleteExport(ctx: StoreContext, workspaceId: string, id: string): Promise<boolean> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return false;
  const result = await sql`delete from exports where id = ${id} and workspace_id = ${workspaceId}`.execute(ctx.db);
  return Number(result.numAffectedRows ?? 0) > 0;
}

/** Attaches partner values to a live entry (participation or instant-win claim), under `data.external`. */
export async function setExternalFields(ctx: StoreContext, workspaceId: string, entryId: string, values: Record<string, string>): Promise<boolean> {
  if (!/^[0-9a-f-]{36}$/i.test(entryId)) return false;
  const now = ctx.clock.now();
  for (const table of ['participations', 'instant_win_claims'] as const) {
    const result = await sql`
      update ${sql.table(physicalTable(table))} set data = jsonb_set(data, '{external}', coalesce(data->'external', '{}'::jsonb) || ${JSON.stringify(values)}::jsonb)
      where id = ${entryId} and workspace_id = ${workspaceId} and ${liveRow(table, now)}`.execute(ctx.db);
    if (Number(result.numAffectedRows ?? 0) > 0) return true;
  }
  return false;
}

/** An export with a trigger, with what scheduling needs (its workspace's time zone). */
export interface TriggeredExport {
  readonly id: string;
  readonly workspaceId: string;
  readonly timeZone: string;
  readonly definition: Record<string, unknown>;
  readonly version: number;
  readonly createdAt: Date;
}

/** Exports whose trigger is one of `types` (optionally only those reading one flow). */
export async function listTriggeredExports(ctx: StoreContext, types: readonly string[], flowSlug?: { workspaceId: string; slug: string }): Promise<TriggeredExport[]> {
  const result = await sql<{ id: string; workspace_id: string; time_zone: string; definition: Record<string, unknown>; version: number; created_at: Date }>`
    select e.id, e.workspace_id, w.time_zone, e.definition, e.version, e.created_at
    from exports e join workspaces w on w.id = e.workspace_id
    where e.definition->'trigger'->>'type' = any(${[...types]}::text[])
      ${flowSlug ? sql`and e.workspace_id = ${flowSlug.workspaceId} and e.definition->'source'->>'flow' = ${flowSlug.slug}` : sql``}
    order by e.created_at, e.id`.execute(ctx.db);
  return result.rows.map((r) => ({ id: r.id, workspaceId: r.workspace_id, timeZone: r.time_zone, definition: r.definition, version: r.version, createdAt: r.created_at }));
}
