import { describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { useLedgerDatabase } from '../../support/ledger-database.js';
import { openDatabase } from '../../../storage/database.js';
import type { GroupCommitLimits } from '../../../storage/group-commit-limits.js';
import { executeAndCommit } from '../../../storage/pipelining-driver.js';
import { countStatements } from '../../support/statement-counter.js';
import { recordGroupCommits } from '../../support/group-commit-events.js';

const ledger = useLedgerDatabase();
const { committed, oneShot } = ledger;

/**
 * With the group commit `limits`: another connection inserts row `heldId` without committing; a
 * transaction inserting the same key goes out first and waits on it; `behindIds` are sent behind
 * it. Expects them committed while the row is still held (through a second group), then the
 * waiting one committed once the row is rolled back.
 */
async function commitsBehindHeldRow(limits: GroupCommitLimits, heldId: number, behindIds: number[]): Promise<void> {
  const lanes = openDatabase(ledger.url(), { max: 4, groupCommit: limits });
  const holder = await lanes.pool.connect();
  try {
    await holder.query('begin');
    await holder.query('insert into ledger (id, note) values ($1, $2)', [heldId, 'holder']);
    const waiting = oneShot(heldId, { note: 'waiting', on: lanes });
    const behind = await Promise.all(behindIds.map((id) => oneShot(id, { note: 'behind', on: lanes })));
    expect(behind.map((r) => r.id)).toEqual(behindIds);
    expect(await committed([heldId, ...behindIds])).toEqual(behindIds);
    await holder.query('rollback');
    expect((await waiting).id).toBe(heldId);
  } finally {
    holder.release();
    await lanes.close();
  }
}

describe('group commit', () => {
  it('commits transactions that queue behind one in flight together, one round trip and no BEGIN or COMMIT per group', async () => {
    const counter = countStatements(ledger.handle().pool);
    counter.reset();
    const ids = Array.from({ length: 20 }, (_, i) => 100 + i);
    const rows = await Promise.all(ids.map((id) => oneShot(id)));
    expect(rows.map((r) => r.id)).toEqual(ids);
    // The first went alone; the 19 queued behind it went as one transaction.
    expect(new Set(rows.map((r) => r.tx)).size).toBe(2);
    expect(counter).toMatchObject({ count: 40, roundTrips: 2 });
    expect(await committed(ids)).toEqual(ids);
  });

  it('a member the server refuses fails alone: the others of its group commit, each in its own transaction', async () => {
    await oneShot(200);
    const ids = Array.from({ length: 10 }, (_, i) => 201 + i);
    const { result: outcomes, groups, retried } = await recordGroupCommits(() =>
      Promise.allSettled([oneShot(300), ...ids.slice(0, 5).map((id) => oneShot(id)), oneShot(200, { note: 'duplicate' }), ...ids.slice(5).map((id) => oneShot(id))]),
    );
    const refused = outcomes.filter((o) => o.status === 'rejected');
    // For metrics: the first went alone, the other 11 as a group the server refused, then each alone.
    expect(groups).toEqual([1, 11]);
    expect(retried).toEqual([11]);
    expect(refused).toHaveLength(1);
    expect(String((refused[0] as PromiseRejectedResult).reason)).toMatch(/duplicate key/);
    expect(await committed([300, ...ids])).toEqual([...ids, 300]);
    expect((await sql<{ note: string }>`select note from ledger where id = 200`.execute(ledger.handle().db)).rows).toEqual([{ note: 'n200' }]);
  });

  it('keeps a member all or nothing: a failing check commits nothing of its transaction', async () => {
    const failing = sql`select case when true then 1 / 0 end`;
    const outcomes = await Promise.allSettled([oneShot(400), oneShot(401), oneShot(402, { note: 'checked', check: failing }), oneShot(403)]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect(await committed([400, 401, 402, 403])).toEqual([400, 401, 403]);
  });

  it('a lost connection fails the group it carried, and the next transactions run on a fresh one', async () => {
    const terminate = sql`select pg_terminate_backend(pg_backend_pid())`;
    const outcomes = await Promise.allSettled([oneShot(500), oneShot(501), oneShot(502, { note: 'killer', check: terminate }), oneShot(503)]);
    // The first went alone and committed; the group with the terminating check failed whole, committing nothing.
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'rejected']);
    expect(await committed([500, 501, 502, 503])).toEqual([500]);
    const after = await Promise.all([oneShot(504), oneShot(505)]);
    expect(after.map((r) => r.id)).toEqual([504, 505]);
  });

  it('with two groups allowed, the second waits for the first unless it stalls: transactions queue behind one in flight', async () => {
    const lanes = openDatabase(ledger.url(), { max: 4, groupCommit: { groupsInFlight: 2, transactionsPerGroup: 32, stallMs: 60_000 } });
    try {
      const rows = await Promise.all(Array.from({ length: 12 }, (_, i) => oneShot(800 + i, { note: 'lane', on: lanes })));
      // The first went alone; the other eleven did not open a second lane but joined one group.
      expect(new Set(rows.map((r) => r.tx)).size).toBe(2);
    } finally {
      await lanes.close();
    }
  });

  it('a group stalled on a lock holds up the transactions behind it for stallMs only: they commit in a second group meanwhile', async () => {
    await commitsBehindHeldRow({ groupsInFlight: 2, transactionsPerGroup: 32, stallMs: 200 }, 900, [901, 902]);
  });

  it('a full group waiting goes out at once on a free lane, without waiting for the one in flight to stall', async () => {
    await commitsBehindHeldRow({ groupsInFlight: 2, transactionsPerGroup: 4, stallMs: 60_000 }, 950, [951, 952, 953, 954]);
  });

  it('switched off (PARLEY_GROUP_COMMIT=0), every such transaction commits alone with its own BEGIN and COMMIT', async () => {
    const alone = openDatabase(ledger.url(), { max: 4, groupCommit: null });
    try {
      const counter = countStatements(alone.pool);
      counter.reset();
      const rows = await Promise.all([700, 701, 702, 703, 704, 705].map((id) => oneShot(id, { note: 'alone', on: alone })));
      expect(new Set(rows.map((r) => r.tx)).size).toBe(6);
      expect(counter).toMatchObject({ count: 6 * 4, roundTrips: 6 });
    } finally {
      await alone.close();
    }
  });

  it('a transaction that sent a statement before its committing one keeps its own connection and commit', async () => {
    const counter = countStatements(ledger.handle().pool);
    counter.reset();
    const row = await ledger.handle().db.transaction().execute(async (trx) => {
      const n = await sql<{ n: number }>`select count(*)::int as n from ledger`.execute(trx);
      const insert = sql<{ tx: string }>`insert into ledger (id, note) values (${600 + (n.rows[0]!.n > 0 ? 0 : 1)}, 'own') returning tx`;
      return (await executeAndCommit(trx, insert.compile(trx))).rows[0]!;
    });
    expect(counter).toMatchObject({ count: 4, roundTrips: 2 });
    expect(await committed([600])).toEqual([600]);
    expect(row.tx).toBeDefined();
  });
});
