/**
 * The catalogue of per-table stores that modules write into. Every table has the same shape
 * (see `StoreRowTable` in schema.ts) and every row carries an `expires_at`.
 */
export const STORE_TABLES = [
  'participations',
  'winners',
  'consents',
  'variables',
  'codes',
  'loyalty',
  'files',
  'instant_win_claims',
  'runtime_log',
] as const;

export type StoreTable = (typeof STORE_TABLES)[number];

/** A table, or the rows one flow stored in it, as the audit log names what was acted on. */
export function tableScopeName(table: StoreTable, flowId?: string | null): string {
  return flowId ? `${table} of flow ${flowId}` : table;
}

/**
 * Tables whose rows stand for a session of a flow that writes no entries (a sign-up, a survey):
 * its entry is the session's first row in any of them (see `sessionEntriesSql` in storage), so
 * their rows carry the session's device facts and time spent, as participations do.
 */
export const SESSION_ENTRY_TABLES: readonly StoreTable[] = ['variables', 'consents', 'codes'];

/** Retention in days used when neither the module nor the workspace says otherwise. */
export const TABLE_DEFAULT_RETENTION_DAYS: Readonly<Record<StoreTable, number>> = Object.freeze({
  participations: 60,
  winners: 60,
  consents: 60,
  variables: 60,
  codes: 60,
  loyalty: 365,
  files: 30,
  instant_win_claims: 60,
  runtime_log: 7,
});

/** Longest retention anyone may configure (ten years). */
export const MAX_RETENTION_DAYS = 3650;

export function isStoreTable(value: unknown): value is StoreTable {
  return typeof value === 'string' && (STORE_TABLES as readonly string[]).includes(value);
}

/** The physical PostgreSQL table that holds a store. */
export function physicalTable(table: StoreTable): `store_${StoreTable}` {
  return `store_${table}`;
}
