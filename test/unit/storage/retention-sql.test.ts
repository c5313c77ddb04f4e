import { describe, expect, it } from 'vitest';
import { DummyDriver, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler, sql } from 'kysely';
import { effectiveRetentionDays, effectiveRetentionDaysText } from '../../../storage/retention-sql.js';
import { STORE_TABLES } from '../../../core/store-tables.js';

const db = new Kysely<unknown>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (k) => new PostgresIntrospector(k),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
});

describe('effective retention as SQL', () => {
  it('is the same SQL whether built with kysely (turn writes, reads) or as text (export statements)', () => {
    for (const table of STORE_TABLES) {
      const built = effectiveRetentionDays(sql`w.retention`, table, sql`r.module_id`, sql`r.default_retention_days`).compile(db);
      expect(built.parameters).toEqual([]);
      expect(effectiveRetentionDaysText('w.retention', table, 'r.module_id', 'r.default_retention_days')).toBe(built.sql);
    }
  });
});
