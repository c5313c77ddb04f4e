import { sql } from 'kysely';
import type { StoreContext } from './store-context.js';
import { physicalTable } from '../core/store-tables.js';
import { withdrawWhere } from './consent-withdrawal.js';
import { actOnSubject, type SubjectCounts } from './subject-request.js';

/** The data key an anonymized row carries: when it was anonymized (read by exports' `form.is_anonymous`). */
export const ANONYMIZED_AT = 'anonymized_at';

/** What anonymizing one data subject did: rows per table, sessions deleted, consents withdrawn. */
export interface AnonymizeReport {
  readonly anonymized: SubjectCounts;
  /** Consents that stood and now read as withdrawn (partners hear `consent.withdrawn`). */
  readonly consentsWithdrawn: number;
}

/**
 * Anonymizes one data subject (their normalized email) in every table: their rows stay, so
 * entries are still counted, winners stay winners and a draw's record still names its winners'
 * rows, but nothing identifies the person any more: each row loses its sealed personal values
 * (email, answers, IP address, a file's name), its link to the person (the subject hash), and a
 * file row its file, and gets `anonymized_at` in its data. A consent that stood is withdrawn
 * first (it keeps its wording and dates, reads `is_optin` 0, partners hear it) and its
 * confirmation links end. The chat sessions, the subject ledger and the person's requests for a
 * withdrawal link go, as with an erasure (`actOnSubject`): the person is no longer recognised, so
 * a flow's "at most once" no longer counts what they entered before.
 */
export async function anonymizeSubjectRows(ctx: StoreContext, workspaceId: string, subject: string): Promise<AnonymizeReport> {
  const now = ctx.clock.now();
  let consentsWithdrawn = 0;
  const anonymized = await actOnSubject(ctx, workspaceId, subject, 'subject.anonymized', async (db, table, about) => {
    if (table === 'consents') {
      consentsWithdrawn = await withdrawWhere(db, now, workspaceId, about('c'));
      await sql`
        update consent_confirmations k set token_sealed = null, message_sealed = null, expires_at = least(k.expires_at, ${now})
        from store_consents c where k.consent_id = c.id and ${about('c')}`.execute(db);
    }
    const file = table === 'files' ? sql`, attachment = null` : sql``;
    const result = await sql<{ id: string; flow_id: string | null; session_id: string | null }>`
      update ${sql.table(physicalTable(table))}
      set personal = null, subject_hash = null, data = data || jsonb_build_object(${ANONYMIZED_AT}::text, ${now.toISOString()}::text)${file}
      where ${about()}
      returning id, flow_id, session_id`.execute(db);
    return result.rows;
  });
  return { anonymized, consentsWithdrawn };
}
