import { sql, type RawBuilder } from 'kysely';
import type { Db } from './database.js';
import type { StoreContext } from './store-context.js';
import { STORE_TABLES, type StoreTable } from '../core/store-tables.js';
import { aboutSubject, subjectSessionIds } from './store-reader.js';
import { forgetSubjectLedger } from './subject-ledger.js';
import { recordWebhookEvent } from './webhook-outbox.js';
import type { SubjectRowRef, SubjectWebhookEvent } from '../core/webhook-events.js';

/** What a request about one data subject did: rows per store table, and the chat sessions deleted. */
export type SubjectCounts = Record<StoreTable | 'sessions', number>;

/** One store table's part of a request: the rows it acted on, by the session each came from. */
export type SubjectTableAction = (
  db: Db,
  table: StoreTable,
  /** The table's rows about the subject (over the columns of `alias` when given). */
  about: (alias?: string) => RawBuilder<boolean>,
) => Promise<ReadonlyArray<{ readonly id: string; readonly flow_id: string | null; readonly session_id: string | null }>>;

/**
 * Acts on everything stored about one data subject (their normalized email) in one transaction:
 * `act` on each store table's rows about them (see `aboutSubject`), then deletes the chat sessions
 * those rows came from (their variables may hold the same personal data), the subject ledger's
 * rows and the person's requests for a withdrawal link. The sessions a table's rows name count for
 * the tables after it, as a row without an address in one of them is the person's too. When it
 * acted on any row, the same transaction records `event` for the workspace's webhook endpoints
 * that subscribe to it, naming every row (table, id, flow) and nothing about the person.
 */
export async function actOnSubject(ctx: StoreContext, workspaceId: string, subject: string, event: SubjectWebhookEvent, act: SubjectTableAction): Promise<SubjectCounts> {
  const hash = await ctx.keyring.lookupHash(workspaceId, subject);
  const counts = {} as SubjectCounts;
  await ctx.db.transaction().execute(async (trx) => {
    const sessions = new Set(await subjectSessionIds(trx, workspaceId, hash));
    const refs: SubjectRowRef[] = [];
    for (const table of STORE_TABLES) {
      const known = [...sessions];
      const rows = await act(trx, table, (alias) => sql<boolean>`${alias ? sql.ref(`${alias}.workspace_id`) : sql.ref('workspace_id')} = ${workspaceId} and ${aboutSubject(hash, known, alias)}`);
      counts[table] = rows.length;
      for (const row of rows) {
        if (row.session_id) sessions.add(row.session_id);
        refs.push({ table, id: row.id, flowId: row.flow_id });
      }
    }
    if (refs.length > 0) await recordWebhookEvent(trx, { workspaceId, type: event, flowId: null, sourceTable: null, sourceId: null, at: ctx.clock.now(), rows: refs });
    const gone = sessions.size === 0 ? { numAffectedRows: 0n } : await sql`
      delete from chat_sessions where workspace_id = ${workspaceId} and id = any(${[...sessions]}::uuid[])`.execute(trx);
    counts.sessions = Number(gone.numAffectedRows ?? 0);
    await forgetSubjectLedger(trx, workspaceId, { hash });
    await sql`delete from consent_withdrawal_requests where workspace_id = ${workspaceId} and subject_hash = ${hash}`.execute(trx);
  });
  return counts;
}
