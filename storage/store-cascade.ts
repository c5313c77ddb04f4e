import { sql, type RawBuilder } from 'kysely';
import type { StoreTable } from '../core/store-tables.js';

/**
 * What deleting store rows takes along, as extra CTEs after a `gone` CTE that returns the
 * deleted ids. Since migration 0011 no foreign key can point into a partitioned store (it would
 * have to carry `expires_at`, which retention changes move), so a consent row's confirmations
 * are deleted here, in the same statement, wherever consent rows are deleted by hand or swept.
 * (Dropped partitions take theirs along in partition-maintenance.ts.)
 *
 * @example sql`with gone as (delete from store_consents where … returning id)${cascadeAfterDelete('consents')} select count(*) from gone`
 */
export function cascadeAfterDelete(table: StoreTable): RawBuilder<unknown> {
  return table === 'consents' ? sql`, confirmations as (delete from consent_confirmations where consent_id in (select id from gone))` : sql``;
}
