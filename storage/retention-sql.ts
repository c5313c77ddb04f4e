import { sql, type RawBuilder } from 'kysely';
import type { StoreTable } from '../core/store-tables.js';

/**
 * The effective retention of a store row, in days, as SQL: the workspace's override for the
 * row's module and table, else the workspace's override for the table, else the module's
 * default that was stamped on the row when it was written.
 *
 * `retention` is the workspace's `retention` jsonb; `moduleId` and `defaultDays` are SQL
 * expressions (a column of the row being updated, or a bound value for an insert).
 */
export function effectiveRetentionDays(
  retention: RawBuilder<unknown>,
  table: StoreTable,
  moduleId: RawBuilder<unknown>,
  defaultDays: RawBuilder<unknown>,
): RawBuilder<number> {
  return sql<number>`coalesce(
    (${retention} -> 'modules' -> ${moduleId} ->> ${sql.lit(table)})::int,
    (${retention} -> 'tables' ->> ${sql.lit(table)})::int,
    ${defaultDays}
  )`;
}

/**
 * `effectiveRetentionDays` as SQL text, for the hand-written statements of exports
 * (export-source-sql.ts): `retention`, `moduleId` and `defaultDays` are SQL expressions. A
 * unit test holds the two to the same SQL.
 */
export function effectiveRetentionDaysText(retention: string, table: StoreTable, moduleId: string, defaultDays: string): string {
  return `coalesce(
    (${retention} -> 'modules' -> ${moduleId} ->> '${table}')::int,
    (${retention} -> 'tables' ->> '${table}')::int,
    ${defaultDays}
  )`;
}

/** `created_at + days` as a timestamptz. */
export function expiryFrom(createdAt: RawBuilder<unknown>, days: RawBuilder<number>): RawBuilder<Date> {
  return sql<Date>`${createdAt} + make_interval(days => ${days})`;
}
