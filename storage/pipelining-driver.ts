import type pg from 'pg';
import Cursor from 'pg-cursor';
import {
  CompiledQuery,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';
import { runPipeline, type PipelinedResult, type PipelinedStatement } from './pipelined-query.js';
import { GroupCommit } from './group-commit.js';
import type { GroupCommitLimits } from './group-commit-limits.js';
import { SharedTransactionDeclined, SharedTransactionRolledBack, type SharedTransaction } from './shared-transaction.js';

/** Queries that commit their transaction in the same round trip (see `executeAndCommit`). */
const COMMITTING = new WeakSet<CompiledQuery>();
/** Statements that go out in the same round trip before a query (see `executeAfter`). */
const PRECEDING = new WeakMap<CompiledQuery, readonly CompiledQuery[]>();
/** Statements that wait for the transaction's next statement (see `deferStatement`). */
const DEFERRED = new WeakSet<CompiledQuery>();
/** Queries that end their transaction (or are one on their own) and may share a commit (see `executeAndCommit`). */
const GROUPABLE = new WeakSet<CompiledQuery>();
/** Deferred statements that have not gone out yet (see `isStillDeferred`). */
const WAITING = new WeakSet<CompiledQuery>();
/** Last statements that stand in for a deferred statement (see `executeAndCommitInstead`). */
const STANDS_IN_FOR = new WeakMap<CompiledQuery, CompiledQuery>();
/** Deferred statements whose transaction may share a group's (see `deferStatement`). */
const SHARING = new WeakSet<CompiledQuery>();
/** The name of the lock a statement takes until its transaction ends (see `holdsLock`). */
const HOLDS = new WeakMap<CompiledQuery, string>();
/** What `beginTransaction` defers for a transaction without settings: only those may join a group commit. */
const PLAIN_BEGIN = 'begin';

const AFFECTING = new Set(['INSERT', 'UPDATE', 'DELETE', 'MERGE']);

function toQueryResult<R>(result: PipelinedResult | pg.QueryResult): QueryResult<R> {
  return {
    numAffectedRows: AFFECTING.has(result.command) ? BigInt(result.rowCount ?? 0) : undefined,
    rows: (result.rows ?? []) as R[],
  };
}

const statement = (query: CompiledQuery): PipelinedStatement => ({ sql: query.sql, parameters: query.parameters });

/** The names of the locks `queries` take (see `holdsLock`). */
function holdsOf(queries: readonly CompiledQuery[]): string[] {
  const names: string[] = [];
  for (const query of queries) {
    const name = HOLDS.get(query);
    if (name !== undefined) names.push(name);
  }
  return names;
}

/**
 * A connection whose transactions cost no round trip of their own: BEGIN waits and goes out with
 * the transaction's first statement, and a statement run with `executeAndCommit` takes COMMIT
 * with it. A chat reply (lock and load; write and commit) is two round trips instead of four.
 *
 * It takes a pooled client only when it first has something to send, and keeps it until it is
 * released (a session's advisory locks stay on one client). A transaction whose only round trip
 * is its committing statement never takes one: it goes to the group commit (see `GroupCommit`).
 */
class PipeliningConnection implements DatabaseConnection {
  readonly #pool: pg.Pool;
  readonly #statementCache: number;
  readonly #group: GroupCommit | undefined;
  #client: Promise<pg.PoolClient> | undefined;
  #pendingBegin: CompiledQuery | undefined;
  #deferred: CompiledQuery[] = [];
  #committed = false;
  /** The transaction, while it shares a group's transaction (see `GroupCommit.share`). */
  #shared: SharedTransaction | undefined;

  constructor(pool: pg.Pool, statementCache: number, group: GroupCommit | undefined) {
    this.#pool = pool;
    this.#statementCache = statementCache;
    this.#group = group;
  }

  #connected(): Promise<pg.PoolClient> {
    return (this.#client ??= this.#pool.connect());
  }

  /** Gives the client back to the pool, if one was taken. */
  async release(): Promise<void> {
    this.#shared?.abandon();
    this.#shared = undefined;
    this.settle();
    const client = this.#client;
    this.#client = undefined;
    // A client that could not be had was never taken: nothing to give back.
    if (client) (await client.catch(() => undefined))?.release();
  }

  /** Remembers BEGIN (or START TRANSACTION …) until the transaction's first statement. */
  deferBegin(begin: CompiledQuery): void {
    this.#pendingBegin = begin;
    this.#discard(this.#deferred);
    this.#committed = false;
  }

  /**
   * Ends a transaction that shares a group's: commits it (sends COMMIT's turn to the group) or
   * leaves the group (which rolls back). False when the transaction does not share one.
   */
  async endShared(commit: boolean): Promise<boolean> {
    const shared = this.#shared;
    if (!shared) return false;
    this.#shared = undefined;
    // Whatever happens, nothing of this transaction is left to send on this connection.
    this.#committed = true;
    if (commit) await shared.run([], true);
    else shared.abandon();
    return true;
  }

  /** Ends the transaction: true when nothing is left to send (never begun, or already committed). */
  settle(): boolean {
    const nothingSent = this.#pendingBegin !== undefined;
    const committed = this.#committed;
    this.#pendingBegin = undefined;
    this.#discard(this.#deferred);
    this.#committed = false;
    return nothingSent || committed;
  }

  /** Takes `statements` off the deferred ones: sent, replaced or dropped with their transaction. */
  #discard(statements: readonly CompiledQuery[]): void {
    for (const deferred of statements) WAITING.delete(deferred);
    this.#deferred = this.#deferred.filter((deferred) => !statements.includes(deferred));
  }

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    if (this.#committed) throw new Error('This transaction has already committed');
    const replaced = STANDS_IN_FOR.get(query);
    if (replaced) this.#discard([replaced]);
    if (DEFERRED.has(query) && this.#pendingBegin) {
      this.#deferred.push(query);
      WAITING.add(query);
      return { rows: [] };
    }
    if (this.#shared) return this.#runShared<R>(this.#shared, query);
    const begin = this.#pendingBegin;
    this.#pendingBegin = undefined;
    const sharing = this.#deferred.some((deferred) => SHARING.has(deferred));
    const sent = [...this.#deferred, ...(PRECEDING.get(query) ?? []), query];
    this.#discard(this.#deferred);
    const statements = sent.map(statement);
    const index = statements.length - 1;
    // The transaction's (or the lone statement's) only round trip: it may share a commit.
    if (this.#group && GROUPABLE.has(query) && !this.#client && (!begin || begin.sql === PLAIN_BEGIN)) {
      // The group ends this transaction, committed or rolled back: nothing is left to send.
      if (begin) this.#committed = true;
      const results = await this.#group.commit(statements, holdsOf(sent));
      return toQueryResult<R>(results[index]!);
    }
    // A transaction that needs this result before the rest: it may share a group's transaction.
    if (this.#group && sharing && !this.#client && begin?.sql === PLAIN_BEGIN) {
      const shared = await this.#group.share(statements, holdsOf(sent)).catch((error: unknown) => {
        if (error instanceof SharedTransactionDeclined) return undefined;
        throw error;
      });
      if (shared) {
        this.#shared = shared.transaction;
        return toQueryResult<R>(shared.results[index]!);
      }
    }
    if (begin) statements.unshift(statement(begin));
    const commits = COMMITTING.has(query);
    if (commits) statements.push({ sql: 'commit', parameters: [] });
    const client = await this.#connected();
    // A statement without parameters goes by the simple protocol, which allows several in one text.
    if (statements.length === 1 && query.parameters.length === 0) return toQueryResult<R>(await client.query(query.sql));
    const results = await runPipeline(client, statements, this.#statementCache);
    if (commits) this.#committed = true;
    return toQueryResult<R>(results[begin ? index + 1 : index]!);
  }

  /** A statement of a transaction that shares a group's; a last one (`executeAndCommit`) ends it. */
  async #runShared<R>(shared: SharedTransaction, query: CompiledQuery): Promise<QueryResult<R>> {
    const last = COMMITTING.has(query);
    const sent = [...(PRECEDING.get(query) ?? []), query];
    const statements = sent.map(statement);
    if (last) {
      this.#shared = undefined;
      this.#committed = true;
    }
    try {
      const results = await shared.run(statements, last, holdsOf(sent));
      return toQueryResult<R>(results[statements.length - 1]!);
    } catch (error) {
      // Rolled back with its group: nothing is left to send (see `isSharedTransactionRolledBack`).
      if (error instanceof SharedTransactionRolledBack) {
        this.#shared = undefined;
        this.#committed = true;
      }
      throw error;
    }
  }

  async *streamQuery<R>(query: CompiledQuery, chunkSize: number): AsyncIterableIterator<QueryResult<R>> {
    const client = await this.#connected();
    const cursor = client.query(new Cursor<R & pg.QueryResultRow>(query.sql, [...query.parameters]));
    try {
      for (;;) {
        const rows = await cursor.read(chunkSize);
        if (rows.length === 0) return;
        yield { rows };
      }
    } finally {
      await cursor.close();
    }
  }
}

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
 * (`set local`, `set_config(…, true)`: they would apply to the whole group).
 */
export async function executeAndCommit<R>(db: Kysely<any>, query: CompiledQuery<R>): Promise<QueryResult<R>> {
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

export { isSharedTransactionRolledBack } from './shared-transaction.js';
