import { sql } from 'kysely';
import { purgeExpiredRows } from './expired-rows.js';
import type { Db } from './database.js';
import type { StoreContext } from './store-context.js';
import type { NewDelivery } from './webhook-outbox.js';
import type { SubjectRowRef, WebhookEventType } from '../core/webhook-events.js';

export type DeliveryStatus = 'pending' | 'retrying' | 'succeeded' | 'failed';

/** One line of an endpoint's delivery log: no payload, no response body, never personal data. */
export interface WebhookDelivery {
  readonly id: string;
  readonly endpointId: string;
  readonly eventId: string;
  readonly eventType: WebhookEventType;
  readonly status: DeliveryStatus;
  readonly attempts: number;
  readonly responseStatus: number | null;
  readonly lastError: string | null;
  readonly createdAt: Date;
  readonly lastAttemptAt: Date | null;
  readonly finishedAt: Date | null;
}

interface Raw {
  id: string;
  endpoint_id: string;
  event_id: string;
  event_type: WebhookEventType;
  status: DeliveryStatus;
  attempts: number;
  response_status: number | null;
  last_error: string | null;
  created_at: Date;
  last_attempt_at: Date | null;
  finished_at: Date | null;
}

const toDelivery = (r: Raw): WebhookDelivery => ({
  id: r.id,
  endpointId: r.endpoint_id,
  eventId: r.event_id,
  eventType: r.event_type,
  status: r.status,
  attempts: r.attempts,
  responseStatus: r.response_status,
  lastError: r.last_error,
  createdAt: r.created_at,
  lastAttemptAt: r.last_attempt_at,
  finishedAt: r.finished_at,
});

/** The newest deliveries of one endpoint first (live ones only), a page at a time. */
export async function listWebhookDeliveries(ctx: StoreContext, workspaceId: string, endpointId: string, options: { limit: number; status?: DeliveryStatus }): Promise<WebhookDelivery[]> {
  const result = await sql<Raw>`
    select id, endpoint_id, event_id, event_type, status, attempts, response_status, last_error, created_at, last_attempt_at, finished_at
    from webhook_deliveries
    where workspace_id = ${workspaceId} and endpoint_id = ${endpointId} and expires_at > ${ctx.clock.now()}
      ${options.status ? sql`and status = ${options.status}` : sql``}
    order by created_at desc, id desc
    limit ${options.limit}`.execute(ctx.db);
  return result.rows.map(toDelivery);
}

/** Everything one attempt needs, read together: the delivery, its endpoint (secret still sealed) and its event. */
export interface DeliveryWork {
  readonly id: string;
  readonly workspaceId: string;
  readonly status: DeliveryStatus;
  readonly attempts: number;
  readonly endpoint: { readonly id: string; readonly url: string; readonly sealedSecret: Buffer; readonly includePersonal: boolean; readonly enabled: boolean };
  readonly event: {
    readonly id: string; readonly type: WebhookEventType; readonly createdAt: Date; readonly flowId: string | null; readonly sourceTable: string | null; readonly sourceId: string | null;
    /** The rows a subject event names (null for the others). */
    readonly rows: readonly SubjectRowRef[] | null;
  };
}

/** Counts an attempt and reads what it needs; undefined when the delivery is gone (endpoint deleted, log purged). */
export async function beginDeliveryAttempt(ctx: StoreContext, deliveryId: string): Promise<DeliveryWork | undefined> {
  const result = await sql<{
    id: string; workspace_id: string; status: DeliveryStatus; attempts: number;
    endpoint_id: string; url: string; secret: Buffer; include_personal: boolean; enabled: boolean;
    event_id: string; type: WebhookEventType; event_created_at: Date; flow_id: string | null; source_table: string | null; source_id: string | null; rows: SubjectRowRef[] | null;
  }>`
    with attempt as (
      update webhook_deliveries set attempts = attempts + case when status in ('pending', 'retrying') then 1 else 0 end,
        last_attempt_at = case when status in ('pending', 'retrying') then ${ctx.clock.now()}::timestamptz else last_attempt_at end
      where id = ${deliveryId}
      returning id, workspace_id, status, attempts, endpoint_id, event_id)
    select a.id, a.workspace_id, a.status, a.attempts, ep.id as endpoint_id, ep.url, ep.secret, ep.include_personal, ep.enabled,
      ev.id as event_id, ev.type, ev.created_at as event_created_at, ev.flow_id, ev.source_table, ev.source_id, ev.rows
    from attempt a join webhook_endpoints ep on ep.id = a.endpoint_id join webhook_events ev on ev.id = a.event_id`.execute(ctx.db);
  const r = result.rows[0];
  if (!r) return undefined;
  return {
    id: r.id,
    workspaceId: r.workspace_id,
    status: r.status,
    attempts: r.attempts,
    endpoint: { id: r.endpoint_id, url: r.url, sealedSecret: r.secret, includePersonal: r.include_personal, enabled: r.enabled },
    event: { id: r.event_id, type: r.type, createdAt: r.event_created_at, flowId: r.flow_id, sourceTable: r.source_table, sourceId: r.source_id, rows: r.rows },
  };
}

/** Records how an attempt ended: `succeeded`, `retrying` (another attempt follows) or `failed` (the last one). */
export async function finishDeliveryAttempt(
  ctx: StoreContext,
  deliveryId: string,
  outcome: { readonly status: 'succeeded' | 'retrying' | 'failed'; readonly responseStatus: number | null; readonly error: string | null },
): Promise<void> {
  const final = outcome.status !== 'retrying';
  await sql`
    update webhook_deliveries set status = ${outcome.status}, response_status = ${outcome.responseStatus}, last_error = ${outcome.error?.slice(0, 300) ?? null},
      finished_at = ${final ? ctx.clock.now() : null}
    where id = ${deliveryId} and status in ('pending', 'retrying')`.execute(ctx.db);
}

/** Notes that deliveries have their jobs. */
export async function markDeliveriesQueued(ctx: StoreContext, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await sql`update webhook_deliveries set queued_at = ${ctx.clock.now()} where id = any(${[...ids]}::uuid[]) and queued_at is null`.execute(ctx.db);
}

/** Deliveries created before `before` that never got their job (their process died in between). */
export async function listUnqueuedDeliveries(ctx: StoreContext, before: Date, limit = 200): Promise<NewDelivery[]> {
  const result = await sql<{ id: string; workspace_id: string }>`
    select id, workspace_id from webhook_deliveries where queued_at is null and created_at < ${before}
    order by created_at limit ${limit}`.execute(ctx.db);
  return result.rows.map((r) => ({ id: r.id, workspaceId: r.workspace_id }));
}

/**
 * Purges expired deliveries, then expired events, in batches of `batchSize` (each its own short
 * statement); returns the rows removed.
 */
export async function sweepWebhookLog(db: Db, now: Date, batchSize: number, signal?: AbortSignal): Promise<number> {
  let removed = 0;
  for (const table of ['webhook_deliveries', 'webhook_events'] as const) removed += await purgeExpiredRows(db, table, now, batchSize, signal);
  return removed;
}
