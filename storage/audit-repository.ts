import { sql } from 'kysely';
import type { Db } from './database.js';

/** One audited owner action. `target` and `counts` never hold personal data in clear. */
export interface AuditEntry {
  readonly id: string;
  readonly keyId: string | null;
  readonly action: string;
  readonly target: string | null;
  readonly counts: Record<string, number>;
  readonly at: Date;
}

export async function recordAudit(db: Db, entry: { workspaceId: string; keyId: string | null; action: string; target?: string | null; counts?: Record<string, number>; at: Date }): Promise<void> {
  await sql`
    insert into audit_log (workspace_id, key_id, action, target, counts, at)
    values (${entry.workspaceId}, ${entry.keyId}, ${entry.action}, ${entry.target ?? null}, ${JSON.stringify(entry.counts ?? {})}::jsonb, ${entry.at})`.execute(db);
}

/** Newest first, keyset-paged by id. */
export async function listAudit(db: Db, workspaceId: string, options: { limit: number; before?: string }): Promise<{ entries: AuditEntry[]; next: string | null }> {
  const rows = await sql<{ id: string; key_id: string | null; action: string; target: string | null; counts: Record<string, number>; at: Date }>`
    select id, key_id, action, target, counts, at from audit_log
    where workspace_id = ${workspaceId} ${options.before ? sql`and id < ${options.before}` : sql``}
    order by id desc limit ${options.limit + 1}`.execute(db);
  const page = rows.rows.slice(0, options.limit);
  return {
    entries: page.map((r) => ({ id: String(r.id), keyId: r.key_id, action: r.action, target: r.target, counts: r.counts, at: r.at })),
    next: rows.rows.length > options.limit ? String(page[page.length - 1]!.id) : null,
  };
}
