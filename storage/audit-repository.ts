import { sql } from 'kysely';
import type { Db } from './database.js';
import { ValidationError } from '../core/errors.js';
import { deleteInBatches } from './expired-rows.js';

/** One audited owner action. `target` and `counts` never hold personal data in clear. */
export interface AuditEntry {
  readonly id: string;
  /** The API key that acted; null for actions without one (a download link redeemed). */
  readonly keyId: string | null;
  /** That key's name as its owner set it (null without a key, or once the key row is gone). */
  readonly keyName: string | null;
  readonly action: string;
  readonly target: string | null;
  readonly counts: Record<string, number>;
  readonly at: Date;
}

/** What a page of the audit log is limited to; `from` is inclusive, `to` exclusive. */
export interface AuditFilter {
  readonly action?: string;
  readonly from?: Date;
  readonly to?: Date;
}

export async function recordAudit(db: Db, entry: { workspaceId: string; keyId: string | null; action: string; target?: string | null; counts?: Record<string, number>; at: Date }): Promise<void> {
  await sql`
    insert into audit_log (workspace_id, key_id, action, target, counts, at)
    values (${entry.workspaceId}, ${entry.keyId}, ${entry.action}, ${entry.target ?? null}, ${JSON.stringify(entry.counts ?? {})}::jsonb, ${entry.at})`.execute(db);
}

/** Where a page ended: the entry's instant in microseconds since the epoch and its id. */
const CURSOR = /^([0-9]{1,17})\.([0-9]{1,18})$/;

/** The opaque cursor after `row`: `<microseconds>.<id>`. */
function cursorOf(row: { at_us: string; id: string }): string {
  return `${row.at_us}.${row.id}`;
}

/** A cursor the caller sent back, or a validation error at `path`. */
function parseCursor(cursor: string, path: string): { atUs: string; id: string } {
  const match = CURSOR.exec(cursor);
  if (!match) throw new ValidationError('Not a cursor this API returned', path);
  return { atUs: match[1]!, id: match[2]! };
}

/**
 * The entries of a workspace's log still kept at `now` (its `audit_retention_days`), as SQL over
 * `audit_log a`: the bound is computed once, so it bounds the index scan on (workspace_id, at).
 */
function keptAt(workspaceId: string, now: Date) {
  return sql`a.at > ${now}::timestamptz - make_interval(days => (select w.audit_retention_days from workspaces w where w.id = ${workspaceId}))`;
}

/**
 * Newest first, keyset-paged on (`at`, `id`), optionally only one action and a time range; entries
 * older than the workspace keeps them (at `now`) are never shown, even before the sweep.
 * `before` is the `next` cursor of the previous page (a malformed one is refused at `/query/before`).
 *
 * @example await listAudit(db, ws.id, { limit: 50, filter: { action: 'subject.erased', from: monday } })
 */
export async function listAudit(db: Db, workspaceId: string, options: { now: Date; limit: number; before?: string; filter?: AuditFilter }): Promise<{ entries: AuditEntry[]; next: string | null }> {
  const { action, from, to } = options.filter ?? {};
  const after = options.before === undefined ? undefined : parseCursor(options.before, '/query/before');
  const rows = await sql<{ id: string; key_id: string | null; key_name: string | null; action: string; target: string | null; counts: Record<string, number>; at: Date; at_us: string }>`
    select a.id, a.key_id, k.name as key_name, a.action, a.target, a.counts, a.at,
      (extract(epoch from a.at) * 1000000)::bigint as at_us
    from audit_log a left join api_keys k on k.id = a.key_id and k.workspace_id = a.workspace_id
    where a.workspace_id = ${workspaceId} and ${keptAt(workspaceId, options.now)}
      ${action === undefined ? sql`` : sql`and a.action = ${action}`}
      ${from === undefined ? sql`` : sql`and a.at >= ${from}`}
      ${to === undefined ? sql`` : sql`and a.at < ${to}`}
      ${after === undefined ? sql`` : sql`and (a.at, a.id) < (timestamptz 'epoch' + ${after.atUs}::bigint * interval '1 microsecond', ${after.id}::bigint)`}
    order by a.at desc, a.id desc limit ${options.limit + 1}`.execute(db);
  const page = rows.rows.slice(0, options.limit);
  return {
    entries: page.map((r) => ({ id: String(r.id), keyId: r.key_id, keyName: r.key_name, action: r.action, target: r.target, counts: r.counts, at: r.at })),
    next: rows.rows.length > options.limit ? cursorOf(page[page.length - 1]!) : null,
  };
}

/** Every action the workspace's audit log still holds at `now`, in alphabetical order (for a filter's choices). */
export async function listAuditActions(db: Db, workspaceId: string, now: Date): Promise<string[]> {
  const rows = await sql<{ action: string }>`
    select distinct action from audit_log a where a.workspace_id = ${workspaceId} and ${keptAt(workspaceId, now)} order by action`.execute(db);
  return rows.rows.map((r) => r.action);
}

/**
 * Deletes the entries each workspace no longer keeps at `now`, in batches of `batchSize` (one
 * index range per workspace, each batch its own statement); returns how many went.
 */
export async function purgeAudit(db: Db, now: Date, batchSize: number, signal?: AbortSignal): Promise<number> {
  return deleteInBatches(db, () => sql`
    delete from audit_log where ctid = any(array(
      select a.ctid from workspaces w
        join audit_log a on a.workspace_id = w.id and a.at <= ${now}::timestamptz - make_interval(days => w.audit_retention_days)
      limit ${batchSize}))`, batchSize, signal);
}
