import type pg from 'pg';
import {
  CompiledQuery,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type Dialect,
  type Driver,
  type Kysely,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';
import { GroupCommit } from './group-commit.js';
import type { GroupCommitLimits } from './group-commit-limits.js';
import { PipeliningConnection, PLAIN_BEGIN } from './pipelining-connection.js';
import { COMMITTING, DEFERRED, GROUPABLE, HOLDS, PRECEDING, SHARING, STANDS_IN_FOR, WAITING } from './statement-marks.js';

/** kysely's driver for node-pg, with transactions that cost no extra round trips. */
class PipeliningDriver implements Driver {
  readonly #pool: pg.Pool;
  readonly #statementCache: number;
  readonly #group: GroupCommit | undefined;

  constructor(pool: pg.Pool, statementCache: number, groupCommit: GroupCommitLimits | null) {
    this.#pool = pool;
    this.#statementCache = statementCache;
    this.#group = groupCommit ? new GroupCommit(pool, statementCache, groupCommit) : undefined;
  }

  async init(): Promise<void> {}

  async acquireConnection(): Promise<PipeliningConnection> {
    return new PipeliningConnection(this.#pool, this.#statementCache, this.#group);
  }

  async beginTransaction(connection: PipeliningConnection, settings: TransactionSettings): Promise<void> {
    let begin = PLAIN_BEGIN;
    if (settings.isolationLevel || settings.accessMode) {
      begin = ['start transaction', settings.isolationLevel && `isolation level ${settings.isolationLevel}`, settings.accessMode].filter(Boolean).join(' ');
    }
    connection.deferBegin(CompiledQuery.raw(begin));
  }

  async commitTransaction(connection: PipeliningConnection): Promise<void> {
    if (await connection.endShared(true)) connection.settle();
    else if (!connection.settle()) await connection.executeQuery(CompiledQuery.raw('commit'));
  }

  async rollbackTransaction(connection: PipeliningConnection): Promise<void> {
    if (await connection.endShared(false)) connection.settle();
    else if (!connection.settle()) await connection.executeQuery(CompiledQuery.raw('rollback'));
  }

  async releaseConnection(connection: PipeliningConnection): Promise<void> {
    await connection.release();
  }

  async destroy(): Promise<void> {
    await this.#pool.end();
  }
}

/** PostgreSQL through node-pg, with `PipeliningDriver`'s transactions. */
export class PipeliningPostgresDialect implements Dialect {
  readonly #pool: pg.Pool;
  readonly #statementCache: number;
  readonly #groupCommit: GroupCommitLimits | null;

  /**
   * `statementCache`: statements kept prepared per connection (see `StatementCache`; 0: none).
   * `groupCommit`: limits of the group commit (see `GroupCommit`; null: every transaction alone).
   */
  constructor(pool: pg.Pool, statementCache = 0, groupCommit: GroupCommitLimits | null = null) {
    this.#pool = pool;
    this.#statementCache = statementCache;
    this.#groupCommit = groupCommit;
  }

  createDriver(): Driver {
    return new PipeliningDriver(this.#pool, this.#statementCache, this.#groupCommit);
  }

  createQueryCompiler() {
    return new PostgresQueryCompiler();
  }

  createAdapter() {
    return new PostgresAdapter();
  }

  createIntrospector(db: Kysely<unknown>) {
    return new PostgresIntrospector(db);
  }
}

/**
 * Runs `query` and, inside a transaction, commits it in the same round trip: for the last
 * statement of a transaction whose result is all the caller still needs. Outside a
 * transaction it runs on its own. When it is the transaction's only round trip (everything
 * before it was deferred), or outside a transaction, it may be committed together with other
 * such transactions (see `GroupCommit`): nothing of the caller's may depend on its transaction
 * being alone (a statement-level snapshot and row locks behave as alone; a failure of another
 * member is never the caller's), and its statements may not change transaction-wide settings
 * (`set local`, `set_config(…, true)`: they would apply to the whole group). `before`: statements
 * that go out first in the same round trip, as with `executeAfter`.
 */
export async function executeAndCommit<R>(db: Kysely<any>, query: CompiledQuery<R>, before: readonly CompiledQuery[] = []): Promise<QueryResult<R>> {
  if (before.length > 0) PRECEDING.set(query, before);
  if (db.isTransaction) COMMITTING.add(query);
  GROUPABLE.add(query);
  return db.executeQuery(query);
}

/**
 * `executeAndCommit` for a last statement that makes itself, and fails as, the check `replaced`
 * that `deferStatement` holds back: `replaced` is then not sent. For a caller that asked
 * `isStillDeferred(replaced)` first (a check that has gone out need not be made again).
 */
export async function executeAndCommitInstead<R>(db: Kysely<any>, query: CompiledQuery<R>, replaced: CompiledQuery): Promise<QueryResult<R>> {
  STANDS_IN_FOR.set(query, replaced);
  return executeAndCommit(db, query);
}

/** Whether `query`, held back by `deferStatement`, is still waiting for its transaction's next statement. */
export function isStillDeferred(query: CompiledQuery): boolean {
  return WAITING.has(query);
}

/**
 * Runs `before` and then `query` in one round trip, as separate statements in that order (each
 * with its own snapshot, as if sent one by one: a lock taken by one is held when the next
 * reads); resolves with `query`'s result. A failure in `before` stops there and rejects.
 */
export async function executeAfter<R>(db: Kysely<any>, before: readonly CompiledQuery[], query: CompiledQuery<R>): Promise<QueryResult<R>> {
  PRECEDING.set(query, before);
  return db.executeQuery(query);
}

/**
 * In a transaction that has sent nothing yet, holds `query` back to go out (after BEGIN) with
 * the transaction's next statement, and returns no rows: for a statement whose only effect
 * is a lock or a check that raises, so its failure stops the statements behind it. Anywhere
 * else it simply runs.
 *
 * `share`: the transaction may share a group's transaction with others' (see
 * `GroupCommit.share`) even when it needs a result before its last statement. Only for a
 * transaction whose caller runs it again from the start, outside a group, when one of its
 * statements fails with `isSharedTransactionRolledBack`, and whose statements name the locks
 * they take by `holdsLock` (members of one transaction do not exclude each other).
 */
export async function deferStatement(db: Kysely<any>, query: CompiledQuery, options: { share?: boolean } = {}): Promise<void> {
  if (db.isTransaction) {
    DEFERRED.add(query);
    if (options.share) SHARING.add(query);
  }
  await db.executeQuery(query);
}

/**
 * Names the lock `query` takes until its transaction ends (a session, a data subject): two
 * transactions that take the same never share a group's transaction. Returns `query`.
 */
export function holdsLock<Q extends CompiledQuery>(query: Q, name: string): Q {
  HOLDS.set(query, name);
  return query;
}
