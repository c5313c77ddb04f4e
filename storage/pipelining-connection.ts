import type pg from 'pg';
import Cursor from 'pg-cursor';
import type { CompiledQuery, DatabaseConnection, QueryResult } from 'kysely';
import { runPipeline, type PipelinedResult, type PipelinedStatement } from './pipelined-query.js';
import type { GroupCommit } from './group-commit.js';
import { SharedTransactionDeclined, SharedTransactionRolledBack, type SharedTransaction } from './shared-transaction.js';
import { COMMITTING, DEFERRED, GROUPABLE, HOLDS, PRECEDING, SHARING, STANDS_IN_FOR, WAITING } from './statement-marks.js';

/** What `beginTransaction` defers for a transaction without settings: only those may join a group commit. */
export const PLAIN_BEGIN = 'begin';

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
export class PipeliningConnection implements DatabaseConnection {
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
    // Whatever happens, nothing of this transaction is left to send on this connection.
    this.#sharedEnded();
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
    if (last) this.#sharedEnded();
    try {
      const results = await shared.run(statements, last, holdsOf(sent));
      return toQueryResult<R>(results[statements.length - 1]!);
    } catch (error) {
      // Rolled back with its group: nothing is left to send (see `isSharedTransactionRolledBack`).
      if (error instanceof SharedTransactionRolledBack) this.#sharedEnded();
      throw error;
    }
  }

  /** The shared transaction has ended (committed, left or rolled back): nothing of it is left to send here. */
  #sharedEnded(): void {
    this.#shared = undefined;
    this.#committed = true;
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

