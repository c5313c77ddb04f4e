import { afterAll, beforeAll } from 'vitest';
import { sql, type RawBuilder } from 'kysely';
import { createTestDatabase } from './test-database.js';
import { openDatabase, type DatabaseHandle } from '../../storage/database.js';
import { deferStatement, executeAndCommit } from '../../storage/pipelining-driver.js';

/**
 * For the group commit's tests: a database of their own with a `ledger` table (each row noting
 * the transaction that wrote it), and a handle with one group in flight at a time, so that
 * while it is out every other transaction queues and joins the next group.
 */
export function useLedgerDatabase(): {
  readonly url: () => string;
  readonly handle: () => DatabaseHandle;
  /** Which of `ids` are in the ledger, in order. */
  committed(ids: number[]): Promise<number[]>;
  /**
   * A transaction whose only round trip is its committing statement, as a chat turn makes one: a
   * deferred `check` (default: one that passes), then the insert of row `id` (noted `note`), on
   * `on` (default: the shared handle). Resolves with the row's id and the transaction that wrote it.
   */
  oneShot(id: number, options?: { note?: string; check?: RawBuilder<unknown>; on?: DatabaseHandle }): Promise<{ id: number; tx: string }>;
} {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let handle: DatabaseHandle;
  beforeAll(async () => {
    database = await createTestDatabase();
    handle = openDatabase(database.url, { max: 4, groupCommit: { groupsInFlight: 1, transactionsPerGroup: 32, stallMs: 0 } });
    await sql`create table ledger (id int primary key, note text not null, tx bigint not null default txid_current())`.execute(handle.db);
  });
  afterAll(async () => {
    await handle.close();
    await database.drop();
  });
  return {
    url: () => database.url,
    handle: () => handle,
    committed: async (ids) => (await sql<{ id: number }>`select id from ledger where id = any(${ids}::int[]) order by id`.execute(handle.db)).rows.map((r) => r.id),
    oneShot: (id, { note = `n${id}`, check = sql`select 1`, on = handle } = {}) =>
      on.db.transaction().execute(async (trx) => {
        await deferStatement(trx, check.compile(trx));
        const insert = sql<{ id: number; tx: string }>`insert into ledger (id, note) values (${id}, ${note}) returning id, tx::text`;
        return (await executeAndCommit(trx, insert.compile(trx))).rows[0]!;
      }),
  };
}
