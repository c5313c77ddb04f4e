import { sql, type Kysely } from 'kysely';

/**
 * Signed webhooks. `webhook_endpoints` are a workspace's receivers (the signing secret sealed
 * under the workspace's data key). `webhook_events` is the transactional outbox: a row is written
 * by the statement (or transaction) that makes the event happen, and only while the workspace has
 * an enabled endpoint subscribed to its type; it holds references (flow, source row), never
 * personal values. A drainer turns each event into one `webhook_deliveries` row per subscribed
 * endpoint (the delivery log: status, attempts, last error). Events and deliveries carry an
 * `expires_at` and are purged by the sweeper like everything else.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table webhook_endpoints (
      id uuid primary key,
      workspace_id uuid not null references workspaces (id) on delete cascade,
      url text not null,
      description text not null default '',
      events text[] not null,
      secret bytea not null,
      include_personal boolean not null default false,
      enabled boolean not null default true,
      created_at timestamptz not null,
      updated_at timestamptz not null
    )`.execute(db);
  await sql`create index webhook_endpoints_workspace on webhook_endpoints (workspace_id, created_at)`.execute(db);

  await sql`
    create table webhook_events (
      id uuid primary key,
      workspace_id uuid not null references workspaces (id) on delete cascade,
      type text not null,
      flow_id uuid,
      source_table text,
      source_id uuid,
      created_at timestamptz not null,
      dispatched_at timestamptz,
      expires_at timestamptz not null
    )`.execute(db);
  await sql`create index webhook_events_pending on webhook_events (created_at) where dispatched_at is null`.execute(db);
  await sql`create index webhook_events_expiry on webhook_events (expires_at)`.execute(db);

  await sql`
    create table webhook_deliveries (
      id uuid primary key,
      workspace_id uuid not null references workspaces (id) on delete cascade,
      endpoint_id uuid not null references webhook_endpoints (id) on delete cascade,
      event_id uuid not null references webhook_events (id) on delete cascade,
      event_type text not null,
      status text not null check (status in ('pending', 'retrying', 'succeeded', 'failed')),
      attempts integer not null default 0,
      response_status integer,
      last_error text,
      created_at timestamptz not null,
      queued_at timestamptz,
      last_attempt_at timestamptz,
      finished_at timestamptz,
      expires_at timestamptz not null,
      unique (endpoint_id, event_id)
    )`.execute(db);
  await sql`create index webhook_deliveries_endpoint on webhook_deliveries (endpoint_id, created_at desc, id desc)`.execute(db);
  await sql`create index webhook_deliveries_unqueued on webhook_deliveries (created_at) where queued_at is null`.execute(db);
  await sql`create index webhook_deliveries_expiry on webhook_deliveries (expires_at)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table webhook_deliveries`.execute(db);
  await sql`drop table webhook_events`.execute(db);
  await sql`drop table webhook_endpoints`.execute(db);
}
