import { randomUUID } from 'node:crypto';
import { sql, type RawBuilder } from 'kysely';
import type { Db } from './database.js';
import type { StoreContext } from './store-context.js';
import type { PreparedStoreRow, StoreRowsInput } from './store-writer.js';
import { slot } from './shaped-statements.js';
import type { StoreTable } from '../core/store-tables.js';
import { WEBHOOK_LOG_RETENTION_DAYS, type SubjectRowRef, type WebhookEventType } from '../core/webhook-events.js';

/**
 * The transactional outbox of webhooks: an event row is written by the statement or transaction
 * that makes the event happen, and only while the workspace has an enabled endpoint subscribed to
 * its type (so a workspace without webhooks writes nothing). Rows hold references, never
 * personal values; the drainer (webhook-delivery-repository.ts) fans them out to deliveries.
 */

/** The event a row of the source it names is about. */
export interface WebhookEventInput {
  readonly workspaceId: string;
  readonly type: WebhookEventType;
  readonly flowId: string | null;
  /** `consents`, `giveaway_draws`, … : what the delivery loads to build the payload. */
  readonly sourceTable: string | null;
  readonly sourceId: string | null;
  readonly at: Date;
  /** The rows a subject event names (see `SubjectRowRef`); none for the others. */
  readonly rows?: readonly SubjectRowRef[];
}

const RETENTION = sql`${sql.lit(WEBHOOK_LOG_RETENTION_DAYS)} * interval '1 day'`;
const subscribed = (workspace: RawBuilder<unknown>, type: RawBuilder<unknown>) => sql`exists (
  select 1 from webhook_endpoints ep where ep.workspace_id = ${workspace} and ep.enabled and ${type} = any(ep.events))`;

/** Writes one event (in the caller's transaction when `db` is one) when an endpoint wants it; true when written. */
export async function recordWebhookEvent(db: Db, event: WebhookEventInput): Promise<boolean> {
  const result = await sql`
    insert into webhook_events (id, workspace_id, type, flow_id, source_table, source_id, created_at, expires_at, rows)
    select ${randomUUID()}, ${event.workspaceId}, ${event.type}, ${event.flowId}, ${event.sourceTable}, ${event.sourceId},
      ${event.at}, ${event.at}::timestamptz + ${RETENTION}, ${event.rows ? JSON.stringify(event.rows) : null}::jsonb
    where ${subscribed(sql`${event.workspaceId}::uuid`, sql`${event.type}::text`)}`.execute(db);
  return Number(result.numAffectedRows ?? 0) > 0;
}

/** The events a store row makes: an entry is a participation; a winning instant-win play is also a win; a file; the event a module's row declares (a full loyalty card, a finished quiz, a rating); a preview row makes none. */
export function webhookEventsOf(row: PreparedStoreRow): WebhookEventType[] {
  // A console preview runs the real flow but is nobody's participation.
  if (row.preview) return [];
  const events = tableEventsOf(row);
  return row.event ? [...events, row.event] : events;
}

function tableEventsOf(row: PreparedStoreRow): WebhookEventType[] {
  const table: StoreTable = row.table;
  if (table === 'participations') return ['participation.created'];
  if (table === 'files') return ['file.received'];
  if (table === 'instant_win_claims') return row.data.won === true ? ['participation.created', 'instant_win.won'] : ['participation.created'];
  return [];
}

/**
 * The outbox insert of a statement writing store rows, as one more common table expression of it
 * (which has the workspace as `w` and each table's insert as `stored_<table>`, see
 * store-batch-writer.ts): no extra round trip. An event is written only for a row that statement
 * stored, and only while an enabled endpoint of the workspace subscribes to its type. Undefined
 * when no row makes an event. Built for a shaped statement (shaped-statements.ts): its values are
 * slots reading the call's rows, which come in the order of `rows` (the shape's events are theirs).
 */
export function webhookOutboxCte(rows: readonly PreparedStoreRow[]): RawBuilder<unknown> | undefined {
  const events = rows.flatMap((row, index) => webhookEventsOf(row).map((type) => ({ row, index, type })));
  if (events.length === 0) return undefined;
  const stored = [...new Set(events.map((e) => e.row.table))].map((table) => sql`select id from ${sql.id(`stored_${table}`)}`);
  const values = events.map(({ index, type }) => {
    const read = (pick: (row: PreparedStoreRow) => unknown) => slot<StoreRowsInput>((input) => pick(input.rows[index]!));
    return sql`(${slot(() => randomUUID())}::uuid, ${sql.lit(type)}::text, ${read((r) => r.flowId)}::uuid, ${read((r) => r.table)}::text, ${read((r) => r.id)}::uuid, ${read((r) => r.createdAt)}::timestamptz)`;
  });
  return sql`webhook_outbox as (
    insert into webhook_events (id, workspace_id, type, flow_id, source_table, source_id, created_at, expires_at)
    select e.id, w.id, e.type, e.flow_id, e.source_table, e.source_id, e.created_at, e.created_at + ${RETENTION}
    from w cross join (values ${sql.join(values)}) as e (id, type, flow_id, source_table, source_id, created_at)
    where e.source_id in (${sql.join(stored, sql` union all `)}) and ${subscribed(sql`w.id`, sql`e.type`)})`;
}

/** A delivery the drainer created, with what its job carries (ids only). */
export interface NewDelivery {
  readonly id: string;
  readonly workspaceId: string;
}

/**
 * Fans pending events out to deliveries, one per enabled endpoint subscribed at this moment, in
 * one statement; events are claimed with `skip locked`, so several processes drain side by side
 * and each event is dispatched once. Returns the new deliveries (to be queued).
 */
export async function dispatchWebhookEvents(ctx: StoreContext, limit = 200): Promise<NewDelivery[]> {
  const now = ctx.clock.now();
  const result = await sql<{ id: string; workspace_id: string }>`
    with picked as (
      select id from webhook_events where dispatched_at is null order by created_at limit ${limit} for update skip locked),
    marked as (
      update webhook_events e set dispatched_at = ${now} from picked where e.id = picked.id
      returning e.id, e.workspace_id, e.type, e.expires_at)
    insert into webhook_deliveries (id, workspace_id, endpoint_id, event_id, event_type, status, created_at, expires_at)
    select gen_random_uuid(), m.workspace_id, ep.id, m.id, m.type, 'pending', ${now}, m.expires_at
    from marked m join webhook_endpoints ep on ep.workspace_id = m.workspace_id and ep.enabled and m.type = any(ep.events)
    on conflict (endpoint_id, event_id) do nothing
    returning id, workspace_id`.execute(ctx.db);
  return result.rows.map((r) => ({ id: r.id, workspaceId: r.workspace_id }));
}
