import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestDatabase } from '../../support/test-database.js';
import { openDatabase, type DatabaseHandle } from '../../../storage/database.js';
import { executeAfter, executeAndCommit } from '../../../storage/pipelining-driver.js';
import { runPipeline } from '../../../storage/pipelined-query.js';
import { countStatements } from '../../support/statement-counter.js';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let handle: DatabaseHandle;
beforeAll(async () => {
  database = await createTestDatabase();
  handle = openDatabase(database.url, { max: 3 });
  await sql`create table ledger (id int primary key, note text not null, at timestamptz not null default now())`.execute(handle.db);
});
afterAll(async () => {
  await handle.close();
  await database.drop();
});

const notes = async () => (await sql<{ id: number; note: string }>`select id, note from ledger order by id`.execute(handle.db)).rows;

describe('the pipelining kysely driver', () => {
  it('sends BEGIN with the first statement and COMMIT with the committing one: two round trips for a four-statement transaction', async () => {
    const counter = countStatements(handle.pool);
    counter.reset();
    const inserted = await handle.db.transaction().execute(async (trx) => {
      const locked = await sql<{ n: number }>`select count(*)::int as n from ledger`.execute(trx);
      const write = sql<{ id: number; at: Date }>`insert into ledger (id, note) values (${locked.rows[0]!.n + 1}, 'first') returning id, at`;
      return (await executeAndCommit(trx, write.compile(trx))).rows[0]!;
    });
    expect(counter).toMatchObject({ count: 4, roundTrips: 2 });
    expect(inserted.id).toBe(1);
    expect(inserted.at).toBeInstanceOf(Date);
    expect(await notes()).toEqual([{ id: 1, note: 'first' }]);
  });

  it('sends the statements given before a committing one with it and COMMIT, in one round trip, in order', async () => {
    const counter = countStatements(handle.pool);
    counter.reset();
    const tagged = await handle.db.transaction().execute(async (trx) => {
      await sql`select 1`.execute(trx);
      const before = [sql`set local application_name = 'before the commit'`.compile(trx), sql`insert into ledger (id, note) values (20, 'twentieth')`.compile(trx)];
      const read = sql<{ name: string; n: number }>`select current_setting('application_name') as name, count(*)::int as n from ledger where id = 20`;
      return (await executeAndCommit(trx, read.compile(trx), before)).rows[0]!;
    });
    expect(counter).toMatchObject({ count: 6, roundTrips: 2 });
    expect(tagged).toEqual({ name: 'before the commit', n: 1 });
    await sql`delete from ledger where id = 20`.execute(handle.db);
  });

  it('an empty transaction sends nothing', async () => {
    const counter = countStatements(handle.pool);
    counter.reset();
    await handle.db.transaction().execute(async () => 'nothing');
    expect(counter).toMatchObject({ count: 0, roundTrips: 0 });
  });

  it('a failing first statement rolls the transaction back and leaves the connection usable', async () => {
    const error = await handle.db
      .transaction()
      .execute(async (trx) => sql`select * from no_such_table`.execute(trx))
      .catch((e: Error) => e);
    expect(String(error)).toMatch(/no_such_table/);
    const status = await handle.pool.query<{ n: number }>('select 1 as n');
    expect(status.rows).toEqual([{ n: 1 }]);
  });

  it('a failing committing statement commits nothing of the transaction', async () => {
    const error = await handle.db
      .transaction()
      .execute(async (trx) => {
        await sql`insert into ledger (id, note) values (2, 'second')`.execute(trx);
        // Duplicate key: the COMMIT behind it never runs, and the whole transaction rolls back.
        return executeAndCommit(trx, sql`insert into ledger (id, note) values (1, 'again')`.compile(trx));
      })
      .catch((e: Error) => e);
    expect(String(error)).toMatch(/duplicate key/);
    expect(await notes()).toEqual([{ id: 1, note: 'first' }]);
  });

  it('a JavaScript failure after the first statement rolls back what the transaction wrote', async () => {
    const error = await handle.db
      .transaction()
      .execute(async (trx) => {
        await sql`insert into ledger (id, note) values (3, 'third')`.execute(trx);
        throw new Error('step failed');
      })
      .catch((e: Error) => e);
    expect(String(error)).toMatch(/step failed/);
    expect(await notes()).toEqual([{ id: 1, note: 'first' }]);
  });

  it('refuses a statement after the transaction committed', async () => {
    const error = await handle.db
      .transaction()
      .execute(async (trx) => {
        await executeAndCommit(trx, sql`insert into ledger (id, note) values (4, 'fourth')`.compile(trx));
        await sql`insert into ledger (id, note) values (5, 'fifth')`.execute(trx);
      })
      .catch((e: Error) => e);
    expect(String(error)).toMatch(/already committed/);
    expect(await notes()).toEqual([{ id: 1, note: 'first' }, { id: 4, note: 'fourth' }]);
  });

  it('outside a transaction a committing statement simply runs', async () => {
    await executeAndCommit(handle.db, sql`insert into ledger (id, note) values (6, 'sixth')`.compile(handle.db));
    expect((await notes()).map((r) => r.id)).toEqual([1, 4, 6]);
  });

  it('a pipeline stops at its first failing statement, reports it and undoes the statements before it', async () => {
    const client = await handle.pool.connect();
    try {
      const error = await runPipeline(client, [
        { sql: 'insert into ledger (id, note) values ($1, $2)', parameters: [7, 'seventh'] },
        { sql: 'select 1 / $1::int as boom', parameters: [0] },
        { sql: 'insert into ledger (id, note) values ($1, $2)', parameters: [8, 'eighth'] },
      ]).catch((e: Error) => e);
      expect(String(error)).toMatch(/division by zero/);
      const results = await runPipeline(client, [
        { sql: 'select $1::int + 1 as n', parameters: [41] },
        { sql: 'select note from ledger where id = any($1::int[]) order by id', parameters: [[7, 8]] },
      ]);
      // Statements up to one Sync are one implicit transaction: the first insert is undone, the third never ran.
      expect(results.map((r) => r.rows)).toEqual([[{ n: 42 }], []]);
    } finally {
      client.release();
    }
  });

  it('reports the rows a write affected, alone and at the end of a pipeline', async () => {
    await sql`insert into ledger (id, note) values (${20}, ${'a'}), (${21}, ${'b'})`.execute(handle.db);
    const alone = await sql`update ledger set note = ${'c'} where id >= ${20}`.execute(handle.db);
    expect(alone.numAffectedRows).toBe(2n);
    const piped = await executeAfter(handle.db, [sql`select ${1}::int`.compile(handle.db)], sql`delete from ledger where id >= ${20}`.compile(handle.db));
    expect(piped.numAffectedRows).toBe(2n);
  });
});
