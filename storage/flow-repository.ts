import { randomUUID } from 'node:crypto';
import { pooledRandomBytes } from './crypto/random-pool.js';
import { sql } from 'kysely';
import type { Db } from './database.js';
import type { FlowRow } from './schema.js';
import type { FlowDefinition } from '../core/flow-definition.js';

/** A saved flow (an "operation" or campaign). `definition` holds its validated steps. */
export interface FlowRecord {
  readonly id: string;
  readonly workspaceId: string;
  /** The id owners choose and use in the API and the embed tag, e.g. `hello-world`. */
  readonly slug: string;
  /** Short public id (contest platforms call it the operation hash id). */
  readonly hashId: string;
  readonly name: string;
  readonly status: 'open' | 'closed';
  readonly opensAt: Date | null;
  readonly closesAt: Date | null;
  readonly definition: FlowDefinition;
  readonly version: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly closedAt: Date | null;
}

export interface FlowWrite {
  readonly name: string;
  readonly status: 'open' | 'closed';
  readonly opensAt: Date | null;
  readonly closesAt: Date | null;
  readonly definition: FlowDefinition;
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** A random 10-character base62 id (~59 bits). */
export function newHashId(): string {
  return [...pooledRandomBytes(10)].map((b) => BASE62[b % 62]).join('');
}

function toFlow(row: FlowRow): FlowRecord {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    slug: row.slug,
    hashId: row.hash_id,
    name: row.name,
    status: row.status,
    opensAt: row.opens_at,
    closesAt: row.closes_at,
    definition: row.definition,
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    closedAt: row.closed_at,
  };
}

/**
 * Creates or replaces the flow `slug` of a workspace; the version increments on each save and the
 * saved definition is kept in `flow_versions` by the same statement (versions are immutable).
 */
export async function saveFlow(db: Db, workspaceId: string, slug: string, flow: FlowWrite, now: Date): Promise<{ flow: FlowRecord; created: boolean }> {
  const row = await sql<FlowRow & { inserted: boolean }>`
    with saved as (
    insert into flows (id, workspace_id, slug, hash_id, name, status, opens_at, closes_at, definition, created_at, updated_at, closed_at)
    values (${randomUUID()}, ${workspaceId}, ${slug}, ${newHashId()}, ${flow.name}, ${flow.status}, ${flow.opensAt}, ${flow.closesAt},
      ${JSON.stringify(flow.definition)}::jsonb, ${now}, ${now}, ${flow.status === 'closed' ? now : null})
    on conflict (workspace_id, slug) do update set
      name = excluded.name, status = excluded.status, opens_at = excluded.opens_at, closes_at = excluded.closes_at,
      definition = excluded.definition, version = flows.version + 1, updated_at = excluded.updated_at,
      closed_at = case when excluded.status = 'closed' then coalesce(flows.closed_at, excluded.updated_at) else null end
    returning *, (xmax = 0) as inserted),
    kept as (
      insert into flow_versions (flow_id, version, name, definition, created_at)
      select id, version, name, definition, updated_at from saved)
    select * from saved`.execute(db);
  const saved = row.rows[0]!;
  return { flow: toFlow(saved), created: saved.inserted };
}

export async function getFlow(db: Db, workspaceId: string, slug: string): Promise<FlowRecord | undefined> {
  const row = await db.selectFrom('flows').selectAll().where('workspace_id', '=', workspaceId).where('slug', '=', slug).executeTakeFirst();
  return row ? toFlow(row) : undefined;
}

export async function getFlowById(db: Db, id: string): Promise<FlowRecord | undefined> {
  const row = await db.selectFrom('flows').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toFlow(row) : undefined;
}

export async function listFlows(db: Db, workspaceId: string): Promise<FlowRecord[]> {
  const rows = await db.selectFrom('flows').selectAll().where('workspace_id', '=', workspaceId).orderBy('created_at').orderBy('id').execute();
  return rows.map(toFlow);
}

/** Every flow's id, name, status and closing time, without its definition: what an export may read. */
export async function listFlowNames(db: Db, workspaceId: string): Promise<Array<{ slug: string; name: string; status: FlowRecord['status']; closesAt: Date | null }>> {
  return db.selectFrom('flows').select(['slug', 'name', 'status', 'closes_at as closesAt']).where('workspace_id', '=', workspaceId).orderBy('created_at').orderBy('id').execute();
}

export async function deleteFlow(db: Db, workspaceId: string, slug: string): Promise<boolean> {
  const result = await db.deleteFrom('flows').where('workspace_id', '=', workspaceId).where('slug', '=', slug).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** Closes an open flow; returns the flow, and whether this call closed it (false if already closed). */
export async function closeFlow(db: Db, workspaceId: string, slug: string, now: Date): Promise<{ flow: FlowRecord; closedNow: boolean } | undefined> {
  const updated = await db
    .updateTable('flows')
    .set({ status: 'closed', closed_at: now, updated_at: now })
    .where('workspace_id', '=', workspaceId)
    .where('slug', '=', slug)
    .where('status', '=', 'open')
    .returningAll()
    .executeTakeFirst();
  if (updated) return { flow: toFlow(updated), closedNow: true };
  const existing = await getFlow(db, workspaceId, slug);
  return existing ? { flow: existing, closedNow: false } : undefined;
}

/** The open flows whose closing time (`closes_at`) is at or before `now`, oldest closing time first. */
export async function listFlowsDueToClose(db: Db, now: Date): Promise<Array<{ workspaceId: string; slug: string }>> {
  const rows = await db
    .selectFrom('flows')
    .select(['workspace_id', 'slug'])
    .where('status', '=', 'open')
    .where('closes_at', '<=', now)
    .orderBy('closes_at')
    .orderBy('id')
    .execute();
  return rows.map((row) => ({ workspaceId: row.workspace_id, slug: row.slug }));
}
