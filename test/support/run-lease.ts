import { sql, type Kysely } from 'kysely';
import { waitUntil } from './wait-until.js';

/**
 * Waits until an export run's lease has ended by the JavaScript clock. Claims and rescues compare
 * a lease with the caller's clock in milliseconds; the database's now() counts microseconds, so
 * a wait on `lease_until < now()` can end within the lease's last millisecond, and a claim or
 * rescue made in that same millisecond still finds the lease held (twice seen in CI).
 */
export async function leaseRunOut(db: Kysely<any>, runId: string, what = 'the lease to run out'): Promise<void> {
  const result = await sql<{ lease_until: Date }>`select lease_until from export_runs where id = ${runId}`.execute(db);
  const endsAt = result.rows[0]!.lease_until.getTime();
  await waitUntil(() => Date.now() > endsAt, { what, timeoutMs: Math.max(30_000, endsAt - Date.now() + 30_000) });
}
