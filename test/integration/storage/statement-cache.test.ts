import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestDatabase } from '../../support/test-database.js';
import { openDatabase, type DatabaseHandle } from '../../../storage/database.js';
import { executeAfter } from '../../../storage/pipelining-driver.js';

/**
 * Statements kept prepared per connection, on a real PostgreSQL: one connection per handle, so
 * every statement meets the statements prepared before it.
 */
let database: Awaited<ReturnType<typeof createTestDatabase>>;
let handle: DatabaseHandle;
let small: DatabaseHandle;
beforeAll(async () => {
  database = await createTestDatabase();
  handle = openDatabase(database.url, { max: 1 });
  small = openDatabase(database.url, { max: 1, statementCache: 2 });
  await sql`create table items (id int primary key, label text not null)`.execute(handle.db);
});
afterAll(async () => {
  await handle.close();
  await small.close();
  await database.drop();
});

/** The statements prepared on the handle's one connection, by their text. */
async function prepared(on: DatabaseHandle): Promise<string[]> {
  const result = await sql<{ statement: string }>`select statement from pg_prepared_statements where name like ${'parley_%'} order by name`.execute(on.db);
  return result.rows.map((row) => row.statement);
}

const labelOf = (on: DatabaseHandle, id: number) => sql<{ label: string }>`select label from items where id = ${id}`.execute(on.db);

describe('prepared statements on pooled connections', () => {
  it('prepares a parameterised statement once and runs it again with other values', async () => {
    await sql`insert into items (id, label) values (${1}, ${'one'}), (${2}, ${'two'})`.execute(handle.db);
    expect((await labelOf(handle, 1)).rows).toEqual([{ label: 'one' }]);
    expect((await labelOf(handle, 2)).rows).toEqual([{ label: 'two' }]);
    const texts = await prepared(handle);
    expect(texts.filter((text) => text === 'select label from items where id = $1')).toHaveLength(1);
  });

  it('closes the least recently used statement beyond its capacity', async () => {
    for (let id = 1; id <= 2; id += 1) await labelOf(small, id);
    await sql`select ${1}::int + 1 as n`.execute(small.db);
    await sql`select ${2}::int * 2 as n`.execute(small.db);
    // The listing itself is the newest statement: two prepared in all, the listing among them.
    const texts = await prepared(small);
    expect(texts).toHaveLength(2);
    expect(texts).toContain('select statement from pg_prepared_statements where name like $1 order by name');
    expect(texts).not.toContain('select label from items where id = $1');
  });

  it('runs every statement again after a pipeline failed part-way, without "already exists" errors', async () => {
    const check = sql`select ${3}::int / ${0}::int as n`.compile(handle.db);
    const before = sql`select count(*)::int as n from items where id > ${0}`.compile(handle.db);
    const after = sql`select label from items where id >= ${1} order by id`.compile(handle.db);
    // `check` fails (division by zero) between `before` and `after`: `after` is never parsed.
    await expect(executeAfter(handle.db, [before, check], after)).rejects.toThrow(/division by zero/);
    const good = sql`select ${3}::int / ${1}::int as n`.compile(handle.db);
    const again = await executeAfter(handle.db, [before, good], after);
    expect(again.rows).toEqual([{ label: 'one' }, { label: 'two' }]);
  });

  it('a statement that failed on its data (a duplicate key) runs again with other values', async () => {
    const insert = (id: number) => sql`insert into items (id, label) values (${id}, ${'again'})`.execute(handle.db);
    await expect(insert(1)).rejects.toThrow(/duplicate key/);
    await insert(3);
    expect((await labelOf(handle, 3)).rows).toEqual([{ label: 'again' }]);
  });

  it('prepares a statement again once a schema change made its plan stale', async () => {
    const all = () => sql<Record<string, unknown>>`select * from items where id = ${1}`.execute(handle.db);
    expect((await all()).rows).toEqual([{ id: 1, label: 'one' }]);
    await sql`alter table items add column note text`.execute(handle.db);
    // PostgreSQL refuses the stale plan once ("cached plan must not change result type")…
    const first = await all().then(
      (result) => result.rows,
      (error: { code?: string }) => error.code,
    );
    if (first !== '0A000') expect(first).toEqual([{ id: 1, label: 'one', note: null }]);
    // …and the statement, parsed again, answers with the new column.
    expect((await all()).rows).toEqual([{ id: 1, label: 'one', note: null }]);
  });

  it('a pipeline that binds prepared statements and parses more than the capacity holds keeps the ones it binds', async () => {
    const one = openDatabase(database.url, { max: 1, statementCache: 1 });
    try {
      await labelOf(one, 1);
      // Bound (prepared before), then new: the new one may not push out the one this pipeline binds.
      const result = await executeAfter(one.db, [sql`select label from items where id = ${2}`.compile(one.db)], sql<{ n: number }>`select ${3}::int as n`.compile(one.db));
      expect(result.rows).toEqual([{ n: 3 }]);
      expect((await labelOf(one, 2)).rows).toEqual([{ label: 'two' }]);
    } finally {
      await one.close();
    }
  });

  it('with a cache of 0 sends every statement unnamed (for poolers that cannot keep them)', async () => {
    const unnamed = openDatabase(database.url, { max: 1, statementCache: 0 });
    try {
      expect((await labelOf(unnamed, 1)).rows).toEqual([{ label: 'one' }]);
      expect((await labelOf(unnamed, 2)).rows).toEqual([{ label: 'two' }]);
      const count = await sql<{ n: number }>`select count(*)::int as n from pg_prepared_statements`.execute(unnamed.db);
      expect(count.rows).toEqual([{ n: 0 }]);
    } finally {
      await unnamed.close();
    }
  });
});
