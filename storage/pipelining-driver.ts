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

/** Queries that commit their transaction in the same round trip (see `executeAndCommit`). */
const COMMITTING = new WeakSet<CompiledQuery>();
/** Statements that go out in the same round trip before a query (see `executeAfter`). */
const PRECEDING = new WeakMap<CompiledQuery, readonly CompiledQuery[]>();
/** Statements that wait for the transaction's next statement (see `deferStatement`). */
const DEFERRED = new WeakSet<CompiledQuery>();

const AFFECTING = new Set(['INSERT', 'UPDATE', 'DELETE', 'MERGE']);

function toQueryResult<R>(result: PipelinedResult | pg.QueryResult): QueryResult<R> {
  return {
    numAffectedRows: AFFECTING.has(result.command) ? BigInt(result.rowCount ?? 0) : undefined,
    rows: (result.rows ?? []) as R[],
  };
}

const statement = (query: CompiledQuery): PipelinedStatement => ({ sql: query.sql, parameters: query.parameters });

/**
 * A connection whose transactions cost no round trip of their own: BEGIN waits and goes out with
 * the transaction's first statement, and a statement run with `executeAndCommit` takes COMMIT
 * with it. A chat reply (lock and load; write and commit) is two round trips instead of four.
 */
class PipeliningConnection implements DatabaseConnection {
  readonly client: pg.PoolClient;
  readonly #statementCache: number;
  #pendingBegin: CompiledQuery | undefined;
  #deferred: CompiledQuery[] = [];
  #committed = false;

  constructor(client: pg.PoolClient, statementCache: number) {
    this.client = client;
    this.#statementCache = statementCache;
  }

  /** Remembers BEGIN (or START TRANSACTION …) until the transaction's first statement. */
  deferBegin(begin: CompiledQuery): void {
    this.#pendingBegin = begin;
    this.#deferred = [];
    this.#committed = false;
  }

  /** Ends the transaction: true when nothing is left to send (never begun, or already committed). */
  settle(): boolean {
    const nothingSent = this.#pendingBegin !== undefined;
    const committed = this.#committed;
    this.#pendingBegin = undefined;
    this.#deferred = [];
    this.#committed = false;
    return nothingSent || committed;
  }

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    if (this.#committed) throw new Error('This transaction has already committed');
    if (DEFERRED.has(query) && this.#pendingBegin) {
      this.#deferred.push(query);
      return { rows: [] };
    }
    const statements: PipelinedStatement[] = [];
    if (this.#pendingBegin) statements.push(statement(this.#pendingBegin));
    this.#pendingBegin = undefined;
    for (const deferred of this.#deferred) statements.push(statement(deferred));
    this.#deferred = [];
    for (const before of PRECEDING.get(query) ?? []) statements.push(statement(before));
    const index = statements.push(statement(query)) - 1;
    const commits = COMMITTING.has(query);
    if (commits) statements.push({ sql: 'commit', parameters: [] });
    // A statement without parameters goes by the simple protocol, which allows several in one text.
    if (statements.length === 1 && query.parameters.length === 0) return toQueryResult<R>(await this.client.query(query.sql));
    const results = await runPipeline(this.client, statements, this.#statementCache);
    if (commits) this.#committed = true;
    return toQueryResult<R>(results[index]!);
  }

  async *streamQuery<R>(query: CompiledQuery, chunkSize: number): AsyncIterableIterator<QueryResult<R>> {
    const cursor = this.client.query(new Cursor<R & pg.QueryResultRow>(query.sql, [...query.parameters]));
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
  readonly #connections = new WeakMap<pg.PoolClient, PipeliningConnection>();

  constructor(pool: pg.Pool, statementCache: number) {
    this.#pool = pool;
    this.#statementCache = statementCache;
  }

  async init(): Promise<void> {}

  async acquireConnection(): Promise<PipeliningConnection> {
    const client = await this.#pool.connect();
    let connection = this.#connections.get(client);
    if (!connection) {
      connection = new PipeliningConnection(client, this.#statementCache);
      this.#connections.set(client, connection);
    }
    return connection;
  }

  async beginTransaction(connection: PipeliningConnection, settings: TransactionSettings): Promise<void> {
    let begin = 'begin';
    if (settings.isolationLevel || settings.accessMode) {
      begin = ['start transaction', settings.isolationLevel && `isolation level ${settings.isolationLevel}`, settings.accessMode].filter(Boolean).join(' ');
    }
    connection.deferBegin(CompiledQuery.raw(begin));
  }

  async commitTransaction(connection: PipeliningConnection): Promise<void> {
    if (!connection.settle()) await connection.executeQuery(CompiledQuery.raw('commit'));
  }

  async rollbackTransaction(connection: PipeliningConnection): Promise<void> {
    if (!connection.settle()) await connection.executeQuery(CompiledQuery.raw('rollback'));
  }

  async releaseConnection(connection: PipeliningConnection): Promise<void> {
    connection.settle();
    connection.client.release();
  }

  async destroy(): Promise<void> {
    await this.#pool.end();
  }
}

/** PostgreSQL through node-pg, with `PipeliningDriver`'s transactions. */
export class PipeliningPostgresDialect implements Dialect {
  readonly #pool: pg.Pool;
  readonly #statementCache: number;

  /** `statementCache`: statements kept prepared per connection (see `StatementCache`; 0: none). */
  constructor(pool: pg.Pool, statementCache = 0) {
    this.#pool = pool;
    this.#statementCache = statementCache;
  }

  createDriver(): Driver {
    return new PipeliningDriver(this.#pool, this.#statementCache);
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
 * transaction it simply runs (each statement commits on its own).
 */
export async function executeAndCommit<R>(db: Kysely<any>, query: CompiledQuery<R>): Promise<QueryResult<R>> {
  if (db.isTransaction) COMMITTING.add(query);
  return db.executeQuery(query);
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
 */
export async function deferStatement(db: Kysely<any>, query: CompiledQuery): Promise<void> {
  if (db.isTransaction) DEFERRED.add(query);
  await db.executeQuery(query);
}
