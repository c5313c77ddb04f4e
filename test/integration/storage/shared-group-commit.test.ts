import { describe, expect, it } from 'vitest';
import { sql, type RawBuilder } from 'kysely';
import { useLedgerDatabase } from '../../support/ledger-database.js';
import { openDatabase, type DatabaseHandle } from '../../../storage/database.js';
import { deferStatement, executeAndCommit, holdsLock } from '../../../storage/pipelining-driver.js';
import { isSharedTransactionRolledBack } from '../../../storage/shared-transaction.js';
import { countStatements } from '../../support/statement-counter.js';
import { recordGroupCommits } from '../../support/group-commit-events.js';

const ledger = useLedgerDatabase();
const { committed, oneShot } = ledger;

interface Shared {
  /** The lock its first statements take (named as `holdsLock` names it). */
  readonly holds?: string;
  /** A lock it takes after reading its first results. */
  readonly later?: string;
  /** Its deferred check (default: one that passes). */
  readonly check?: RawBuilder<unknown>;
  /** Throws after reading its first results. */
  readonly leave?: boolean;
  /** Waits this long after reading its first results. */
  readonly pauseMs?: number;
  /** A statement it sends after reading its first results. */
  readonly then?: RawBuilder<unknown>;
}

const lockSql = (name: string) => sql`select pg_advisory_xact_lock(hashtextextended(${name}, 0))`;

/**
 * A transaction as a chat turn on a kept session makes one: a deferred check that lets it share
 * a group, a first statement whose result it reads (the transaction id, and the ledger rows noted
 * with its lock's name), then its last statement, an insert noted with that name.
 */
function shared(id: number, options: Shared = {}, on: DatabaseHandle = ledger.handle()) {
  return on.db.transaction().execute(async (trx) => {
    const check = (options.check ?? (options.holds ? lockSql(options.holds) : sql`select 1`)).compile(trx);
    await deferStatement(trx, options.holds ? holdsLock(check, options.holds) : check, { share: true });
    const first = await sql<{ tx: string; seen: number }>`
      select txid_current()::text as tx, (select count(*)::int from ledger where note = ${options.holds ?? ''}) as seen`.execute(trx);
    if (options.pauseMs) await new Promise((resolve) => setTimeout(resolve, options.pauseMs));
    if (options.leave) throw new Error('left');
    if (options.later) await trx.executeQuery(holdsLock(lockSql(options.later).compile(trx), options.later));
    if (options.then) await options.then.execute(trx);
    const insert = sql<{ id: number; tx: string }>`insert into ledger (id, note) values (${id}, ${options.holds ?? `s${id}`}) returning id, tx::text`;
    const row = (await executeAndCommit(trx, insert.compile(trx))).rows[0]!;
    return { ...row, firstTx: first.rows[0]!.tx, seen: first.rows[0]!.seen };
  });
}

const reasons = (outcomes: PromiseSettledResult<unknown>[]) =>
  outcomes.map((o) => (o.status === 'fulfilled' ? 'committed' : isSharedTransactionRolledBack(o.reason) ? 'rolled back with its group' : String(o.reason)));

describe('group commit of transactions that read a result before their last statement', () => {
  it('share one group transaction: their first statements go out in one round trip, their last ones with COMMIT in the next', async () => {
    const counter = countStatements(ledger.handle().pool);
    counter.reset();
    const ids = Array.from({ length: 10 }, (_, i) => 100 + i);
    const rows = await Promise.all(ids.map((id) => shared(id)));
    // The first went alone; the nine that queued behind it shared one transaction.
    expect(new Set(rows.map((r) => r.tx)).size).toBe(2);
    expect(rows.every((r) => r.firstTx === r.tx)).toBe(true);
    expect(counter.roundTrips).toBe(4);
    expect(await committed(ids)).toEqual(ids);
  });

  it('never puts two that take the same lock in one group: the later waits for the next group and sees the first committed', async () => {
    const [before, a, b, c] = await Promise.all([shared(200), shared(201, { holds: 'x' }), shared(202, { holds: 'x' }), shared(203, { holds: 'y' })]);
    expect(a!.tx).toBe(c!.tx);
    expect(b!.tx).not.toBe(a!.tx);
    expect(before!.tx).not.toBe(a!.tx);
    expect([a!.seen, b!.seen, c!.seen]).toEqual([0, 1, 0]);
  });

  it('a lock taken after the group formed that another member holds rolls the group back; a one-shot member of it commits alone', async () => {
    const { result: outcomes, retried } = await recordGroupCommits(() =>
      Promise.allSettled([shared(300), shared(301, { holds: 'p' }), shared(302, { holds: 'q', later: 'p' }), oneShot(303)]),
    );
    expect(reasons(outcomes)).toEqual(['committed', 'rolled back with its group', 'rolled back with its group', 'committed']);
    expect(retried).toEqual([3]);
    expect(await committed([300, 301, 302, 303])).toEqual([300, 303]);
  });

  it('a first round trip the server refuses: the shared members go on alone on their own connections, the refused one gets its error', async () => {
    const failing = sql`select case when true then 1 / 0 end`;
    const { result: outcomes, retried } = await recordGroupCommits(() =>
      Promise.allSettled([shared(400), shared(401, { check: failing }), shared(402), oneShot(403)]),
    );
    expect(reasons(outcomes)).toEqual(['committed', 'error: division by zero', 'committed', 'committed']);
    expect(retried).toEqual([3]);
    const alone = (outcomes[2] as PromiseFulfilledResult<Awaited<ReturnType<typeof shared>>>).value;
    expect(alone.firstTx).toBe(alone.tx);
    expect(await committed([400, 401, 402, 403])).toEqual([400, 402, 403]);
  });

  it('a last statement the server refuses rolls the group back: its shared members fail as rolled back, a one-shot member commits alone', async () => {
    await shared(500);
    const { result: outcomes } = await recordGroupCommits(() => Promise.allSettled([shared(501), shared(500), shared(502), oneShot(503)]));
    expect(reasons(outcomes)).toEqual(['committed', 'rolled back with its group', 'rolled back with its group', 'committed']);
    expect(await committed([501, 502, 503])).toEqual([501, 503]);
  });

  it('a member that leaves after its first results rolls the group back', async () => {
    const outcomes = await Promise.allSettled([shared(600), shared(601, { leave: true }), shared(602), oneShot(603)]);
    expect(reasons(outcomes)).toEqual(['committed', 'Error: left', 'rolled back with its group', 'committed']);
    expect(await committed([600, 601, 602, 603])).toEqual([600, 603]);
  });

  it('a member that stops answering: after memberWaitMs the group rolls back, and the member fails when it comes back', async () => {
    const patient = openDatabase(ledger.url(), { max: 4, groupCommit: { groupsInFlight: 1, transactionsPerGroup: 32, stallMs: 0, memberWaitMs: 100 } });
    try {
      const outcomes = await Promise.allSettled([oneShot(700, { on: patient }), shared(701, { pauseMs: 600 }, patient), shared(702, {}, patient)]);
      expect(reasons(outcomes)).toEqual(['committed', 'rolled back with its group', 'rolled back with its group']);
      expect(await committed([700, 701, 702])).toEqual([700]);
      // The group's connection went back to the pool sound.
      expect(await Promise.all([oneShot(703, { on: patient }), oneShot(704, { on: patient })])).toMatchObject([{ id: 703 }, { id: 704 }]);
    } finally {
      await patient.close();
    }
  });

  it('a connection lost in a later round trip fails every member of its group, commits nothing, and the next transactions run on a fresh one', async () => {
    const terminate = sql`select pg_terminate_backend(pg_backend_pid())`;
    const outcomes = await Promise.allSettled([shared(800), shared(801), shared(802, { then: terminate }), oneShot(803)]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'rejected']);
    expect(outcomes.slice(1).some((o) => isSharedTransactionRolledBack((o as PromiseRejectedResult).reason))).toBe(false);
    expect(await committed([800, 801, 802, 803])).toEqual([800]);
    expect(await Promise.all([shared(804), shared(805), oneShot(806)])).toMatchObject([{ id: 804 }, { id: 805 }, { id: 806 }]);
  });
});
