import { resumeRetentionMoves } from './retention-move.js';
import type { StoreContext } from './store-context.js';
import type { RetentionOverrides } from './schema.js';
import { MAX_RETENTION_DAYS, TABLE_DEFAULT_RETENTION_DAYS, isStoreTable, type StoreTable } from '../core/store-tables.js';
import { ConfigError } from '../core/errors.js';

/**
 * Checks workspace retention overrides: known tables only, whole days from 1 to 3650.
 * Throws a ConfigError naming the first bad field (JSON path under `/retention`).
 */
export function validateRetention(input: unknown, base = '/retention'): RetentionOverrides {
  if (!isPlainObject(input)) throw new ConfigError('Retention must be an object', base);
  const result: RetentionOverrides = {};
  for (const key of Object.keys(input)) {
    if (key !== 'tables' && key !== 'modules') throw new ConfigError('Unknown retention field', `${base}/${escapePointer(key)}`);
  }
  if (input.tables !== undefined) result.tables = validateTableDays(input.tables, `${base}/tables`);
  if (input.modules !== undefined) {
    if (!isPlainObject(input.modules)) throw new ConfigError('Module retention must be an object', `${base}/modules`);
    result.modules = {};
    for (const [moduleId, tables] of Object.entries(input.modules)) {
      const path = `${base}/modules/${escapePointer(moduleId)}`;
      if (!/^[a-z][a-z0-9-]{0,63}$/.test(moduleId)) throw new ConfigError('Module id must be kebab-case', path);
      result.modules[moduleId] = validateTableDays(tables, path);
    }
  }
  return result;
}

/** Effective retention in days, the same rule as the SQL in retention-sql.ts. */
export function resolveRetentionDays(overrides: RetentionOverrides, table: StoreTable, moduleId: string, moduleDefault?: number): number {
  return overrides.modules?.[moduleId]?.[table] ?? overrides.tables?.[table] ?? moduleDefault ?? TABLE_DEFAULT_RETENTION_DAYS[table];
}

/**
 * Re-applies the workspace's current retention to its existing live rows, table by table in
 * bounded batches (see retention-move.ts): a shorter retention hides older rows at once (the
 * pending move recorded with the change filters reads), a longer one keeps live rows longer.
 * Rows already expired stay so. A move another process is running, or one cut short, is
 * finished by that process or by the next sweep.
 */
export async function reapplyRetention(ctx: StoreContext, workspaceId: string): Promise<void> {
  await resumeRetentionMoves(ctx.db, ctx.clock.now(), { workspaceId });
}

function validateTableDays(input: unknown, path: string): Partial<Record<StoreTable, number>> {
  if (!isPlainObject(input)) throw new ConfigError('Must be an object of table names to days', path);
  const out: Partial<Record<StoreTable, number>> = {};
  for (const [table, days] of Object.entries(input)) {
    const at = `${path}/${escapePointer(table)}`;
    if (!isStoreTable(table)) throw new ConfigError('Unknown table', at);
    if (typeof days !== 'number' || !Number.isInteger(days) || days < 1 || days > MAX_RETENTION_DAYS) {
      throw new ConfigError(`Retention must be a whole number of days from 1 to ${MAX_RETENTION_DAYS}`, at);
    }
    out[table] = days;
  }
  return out;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** RFC 6901 escaping of one JSON-pointer segment. */
export function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}
