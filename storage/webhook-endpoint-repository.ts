import { randomBytes, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { StoreContext } from './store-context.js';
import type { WebhookEventType } from '../core/webhook-events.js';
import { UUID_TEXT } from '../core/ids.js';

/** A webhook endpoint as stored, without its secret (which is sealed and write-once). */
export interface WebhookEndpoint {
  readonly id: string;
  readonly workspaceId: string;
  readonly url: string;
  readonly description: string;
  readonly events: readonly WebhookEventType[];
  readonly includePersonal: boolean;
  readonly enabled: boolean;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** What a caller may set on an endpoint. */
export interface WebhookEndpointInput {
  readonly url: string;
  readonly description: string;
  readonly events: readonly WebhookEventType[];
  readonly includePersonal: boolean;
  readonly enabled: boolean;
}

interface Raw {
  id: string;
  workspace_id: string;
  url: string;
  description: string;
  events: WebhookEventType[];
  include_personal: boolean;
  enabled: boolean;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = sql`id, workspace_id, url, description, events, include_personal, enabled, created_at, updated_at`;

const toEndpoint = (r: Raw): WebhookEndpoint => ({
  id: r.id,
  workspaceId: r.workspace_id,
  url: r.url,
  description: r.description,
  events: r.events,
  includePersonal: r.include_personal,
  enabled: r.enabled,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** A new signing secret: `whsec_` and 32 random bytes, base64url. The whole string is the HMAC key. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

/** Creates an endpoint with a fresh secret, sealed under the workspace's data key; the secret is returned once. */
export async function createWebhookEndpoint(ctx: StoreContext, workspaceId: string, input: WebhookEndpointInput): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
  const secret = newWebhookSecret();
  const sealed = await ctx.keyring.encryptJson(workspaceId, secret);
  const now = ctx.clock.now();
  const result = await sql<Raw>`
    insert into webhook_endpoints (id, workspace_id, url, description, events, secret, include_personal, enabled, created_at, updated_at)
    values (${randomUUID()}, ${workspaceId}, ${input.url}, ${input.description}, ${[...input.events]}::text[], ${sealed},
      ${input.includePersonal}, ${input.enabled}, ${now}, ${now})
    returning ${COLUMNS}`.execute(ctx.db);
  return { endpoint: toEndpoint(result.rows[0]!), secret };
}

/** A workspace's endpoints, oldest first. */
export async function listWebhookEndpoints(ctx: StoreContext, workspaceId: string): Promise<WebhookEndpoint[]> {
  const result = await sql<Raw>`select ${COLUMNS} from webhook_endpoints where workspace_id = ${workspaceId} order by created_at, id`.execute(ctx.db);
  return result.rows.map(toEndpoint);
}

/** One endpoint of the workspace, or undefined (another workspace's is not found either). */
export async function getWebhookEndpoint(ctx: StoreContext, workspaceId: string, id: string): Promise<WebhookEndpoint | undefined> {
  if (!UUID_TEXT.test(id)) return undefined;
  const result = await sql<Raw>`select ${COLUMNS} from webhook_endpoints where id = ${id} and workspace_id = ${workspaceId}`.execute(ctx.db);
  return result.rows[0] ? toEndpoint(result.rows[0]) : undefined;
}

/** Changes what `patch` names; the secret stays. */
export async function updateWebhookEndpoint(ctx: StoreContext, workspaceId: string, id: string, patch: Partial<WebhookEndpointInput>): Promise<WebhookEndpoint | undefined> {
  if (!UUID_TEXT.test(id)) return undefined;
  const set = (column: string, value: unknown) => (value === undefined ? sql.ref(column) : sql`${value}`);
  const result = await sql<Raw>`
    update webhook_endpoints set url = ${set('url', patch.url)}, description = ${set('description', patch.description)},
      events = ${patch.events === undefined ? sql.ref('events') : sql`${[...patch.events]}::text[]`},
      include_personal = ${set('include_personal', patch.includePersonal)}, enabled = ${set('enabled', patch.enabled)},
      updated_at = ${ctx.clock.now()}
    where id = ${id} and workspace_id = ${workspaceId}
    returning ${COLUMNS}`.execute(ctx.db);
  return result.rows[0] ? toEndpoint(result.rows[0]) : undefined;
}

/** Replaces an endpoint's secret with a fresh one, returned once; undefined when there is no such endpoint. */
export async function rotateWebhookSecret(ctx: StoreContext, workspaceId: string, id: string): Promise<{ endpoint: WebhookEndpoint; secret: string } | undefined> {
  if (!UUID_TEXT.test(id)) return undefined;
  const secret = newWebhookSecret();
  const sealed = await ctx.keyring.encryptJson(workspaceId, secret);
  const result = await sql<Raw>`
    update webhook_endpoints set secret = ${sealed}, updated_at = ${ctx.clock.now()}
    where id = ${id} and workspace_id = ${workspaceId}
    returning ${COLUMNS}`.execute(ctx.db);
  return result.rows[0] ? { endpoint: toEndpoint(result.rows[0]), secret } : undefined;
}

/** Deletes an endpoint and its delivery log. */
export async function deleteWebhookEndpoint(ctx: StoreContext, workspaceId: string, id: string): Promise<boolean> {
  if (!UUID_TEXT.test(id)) return false;
  const result = await sql`delete from webhook_endpoints where id = ${id} and workspace_id = ${workspaceId}`.execute(ctx.db);
  return Number(result.numAffectedRows ?? 0) > 0;
}

/** An endpoint's decrypted signing secret, for a delivery. */
export async function openWebhookSecret(ctx: StoreContext, workspaceId: string, sealed: Buffer): Promise<string> {
  return ctx.keyring.decryptJson<string>(workspaceId, sealed);
}
