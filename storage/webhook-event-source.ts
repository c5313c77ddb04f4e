import { sql } from 'kysely';
import { decodeRow, ROW_COLUMNS, type DecodedRow } from './store-reader.js';
import type { StoreContext } from './store-context.js';
import type { StoreRow } from './schema.js';
import { liveRow } from './retention-move.js';
import { isStoreTable, physicalTable, type StoreTable } from '../core/store-tables.js';

/** What an outbox event points at. */
export interface WebhookEventRef {
  readonly workspaceId: string;
  readonly flowId: string | null;
  readonly sourceTable: string | null;
  readonly sourceId: string | null;
}

/** A store row as a webhook shows it; `personal` only for endpoints that opted in. */
export type WebhookRow = Omit<DecodedRow, 'flowId' | 'createdAt' | 'expiresAt' | 'personal'> & {
  readonly createdAt: string;
  readonly expiresAt: string;
  readonly personal?: Record<string, unknown> | null;
};

/** What a delivery reads of an event's source, at delivery time (so an erased row is never sent). */
export interface WebhookEventSource {
  readonly flow: { readonly id: string; readonly slug: string; readonly name: string; readonly status: string; readonly closedAt: string | null } | null;
  /** The store row (entry, play, consent), when the event is about one and it is still live. */
  readonly row?: WebhookRow | null;
  /** A giveaway draw and its winners' rows. */
  readonly draw?: { readonly id: string; readonly stepId: string | null; readonly drawnAt: string; readonly participants: number; readonly winners: WebhookRow[] } | null;
}

async function toWebhookRow(ctx: StoreContext, table: StoreTable, raw: StoreRow, includePersonal: boolean): Promise<WebhookRow> {
  const { flowId: _flow, personal, createdAt, expiresAt, ...rest } = await decodeRow(ctx, table, includePersonal ? raw : { ...raw, personal: null });
  return { ...rest, createdAt: createdAt.toISOString(), expiresAt: expiresAt.toISOString(), ...(includePersonal && { personal }) };
}

async function flowOf(ctx: StoreContext, ref: WebhookEventRef): Promise<WebhookEventSource['flow']> {
  if (!ref.flowId) return null;
  const result = await sql<{ id: string; slug: string; name: string; status: string; closed_at: Date | null }>`
    select id, slug, name, status, closed_at from flows where id = ${ref.flowId} and workspace_id = ${ref.workspaceId}`.execute(ctx.db);
  const flow = result.rows[0];
  return flow ? { id: flow.id, slug: flow.slug, name: flow.name, status: flow.status, closedAt: flow.closed_at?.toISOString() ?? null } : null;
}

async function storeRowOf(ctx: StoreContext, ref: WebhookEventRef, table: StoreTable, includePersonal: boolean): Promise<WebhookRow | null> {
  const result = await sql<StoreRow>`
    select ${ROW_COLUMNS} from ${sql.table(physicalTable(table))}
    where id = ${ref.sourceId} and workspace_id = ${ref.workspaceId} and ${liveRow(table, ctx.clock.now())}`.execute(ctx.db);
  const raw = result.rows[0];
  return raw ? toWebhookRow(ctx, table, raw, includePersonal) : null;
}

async function drawOf(ctx: StoreContext, ref: WebhookEventRef, includePersonal: boolean): Promise<WebhookEventSource['draw']> {
  const found = await sql<{ id: string; step_id: string | null; drawn_at: Date; participants_count: number }>`
    select id, step_id, drawn_at, participants_count from giveaway_draws where id = ${ref.sourceId} and workspace_id = ${ref.workspaceId}`.execute(ctx.db);
  const draw = found.rows[0];
  if (!draw) return null;
  const winners = await sql<StoreRow>`
    select ${ROW_COLUMNS} from store_winners
    where workspace_id = ${ref.workspaceId} and flow_id = ${ref.flowId} and data->>'drawId' = ${draw.id} and ${liveRow('winners', ctx.clock.now())}
    order by (data->>'rank')::int, id`.execute(ctx.db);
  return {
    id: draw.id,
    stepId: draw.step_id,
    drawnAt: draw.drawn_at.toISOString(),
    participants: draw.participants_count,
    winners: await Promise.all(winners.rows.map((raw) => toWebhookRow(ctx, 'winners', raw, includePersonal))),
  };
}

/**
 * Loads what an event is about, as it is now: its flow, and its store row (live rows only) or
 * giveaway draw. Personal values are decrypted only when `includePersonal`.
 */
export async function loadWebhookEventSource(ctx: StoreContext, ref: WebhookEventRef, includePersonal: boolean): Promise<WebhookEventSource> {
  const flow = await flowOf(ctx, ref);
  if (ref.sourceTable === 'giveaway_draws' && ref.sourceId) return { flow, draw: await drawOf(ctx, ref, includePersonal) };
  if (isStoreTable(ref.sourceTable) && ref.sourceId) return { flow, row: await storeRowOf(ctx, ref, ref.sourceTable, includePersonal) };
  return { flow };
}
