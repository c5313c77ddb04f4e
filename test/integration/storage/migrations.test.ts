import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, type Kysely } from 'kysely';
import { createTestDatabase } from '../../support/test-database.js';
import { openDatabase, type DatabaseHandle } from '../../../storage/database.js';
import { migrateTo, migrateToLatest } from '../../../storage/migrator.js';
import { MIGRATIONS } from '../../../storage/migrations/index.js';

type TestDatabase = Awaited<ReturnType<typeof createTestDatabase>>;
const opened: Array<{ database: TestDatabase; handle: DatabaseHandle }> = [];

async function emptyDatabase(): Promise<Kysely<any>> {
  const database = await createTestDatabase();
  const handle = openDatabase(database.url, { max: 2 });
  opened.push({ database, handle });
  return handle.db;
}

/**
 * The schema as text: every relation of `public` with its kind, partitioning, columns, constraints
 * and index definitions, sorted, so two databases compare line by line.
 */
async function describeSchema(db: Kysely<any>): Promise<string[]> {
  const rows = await sql<{ line: string }>`
    select format('relation %s %s %s', c.relname, c.relkind, coalesce(pg_get_partkeydef(c.oid), '')) as line
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = 'public' and c.relkind in ('r', 'p', 'v', 'm', 'S')
    union all
    select format('column %s.%s %s null=%s default=%s', c.relname, a.attname, format_type(a.atttypid, a.atttypmod), not a.attnotnull,
                  coalesce(pg_get_expr(d.adbin, d.adrelid), '-'))
      from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
      left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
     where n.nspname = 'public' and c.relkind in ('r', 'p') and a.attnum > 0 and not a.attisdropped
    union all
    select format('constraint %s %s %s', c.relname, k.conname, pg_get_constraintdef(k.oid))
      from pg_constraint k join pg_class c on c.oid = k.conrelid join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = 'public'
    union all
    select format('index %s', pg_get_indexdef(i.indexrelid))
      from pg_index i join pg_class c on c.oid = i.indrelid join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = 'public'
  `.execute(db);
  return rows.rows.map((r) => r.line).sort();
}

afterAll(async () => {
  for (const { database, handle } of opened) {
    await handle.close();
    await database.drop();
  }
});

describe('migrations', () => {
  const names = Object.keys(MIGRATIONS);
  let stepByStep: Kysely<any>;

  beforeAll(async () => {
    stepByStep = await emptyDatabase();
  });

  it('are listed in the order they apply', () => {
    expect(names).toEqual([...names].sort());
    expect(new Set(names).size).toBe(names.length);
  });

  it('apply one at a time from the first, each exactly once', async () => {
    for (const name of names) expect(await migrateTo(stepByStep, name)).toEqual([name]);
    expect(await migrateToLatest(stepByStep)).toEqual([]);
  });

  it('build the same schema on an empty database in one go as step by step', async () => {
    const inOneGo = await emptyDatabase();
    expect(await migrateToLatest(inOneGo)).toEqual(names);
    const expected = await describeSchema(stepByStep);
    expect(expected.some((line) => line.startsWith('relation store_participations'))).toBe(true);
    expect(await describeSchema(inOneGo)).toEqual(expected);
  });
});
