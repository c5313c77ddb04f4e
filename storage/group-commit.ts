import pg from 'pg';
import { runPipeline, type PipelinedResult, type PipelinedStatement } from './pipelined-query.js';
import type { GroupCommitLimits } from './group-commit-limits.js';
import { storeEvents } from './store-events.js';

interface Member {
  readonly statements: readonly PipelinedStatement[];
  resolve(results: PipelinedResult[]): void;
  reject(error: unknown): void;
}

/**
 * The server refused a statement and rolled its transaction back; the connection is still
 * usable (a FATAL error, such as a terminated backend, ends the connection too).
 */
function isStatementError(error: unknown): boolean {
  return error instanceof pg.DatabaseError && error.severity !== 'FATAL' && error.severity !== 'PANIC';
}

/**
 * Group commit: short transactions whose statements are all known before any is sent (a chat
 * turn's session check and write) are committed several at a time, in one transaction and one
 * round trip: each transaction's statements in arrival order, then one Sync, which makes them
 * one implicit transaction (no BEGIN or COMMIT needed: the server commits at the Sync, or rolls
 * everything back at the first error and skips the rest). The database then pays one commit
 * (one WAL flush), one wake-up and one network write for the group instead of one per
 * transaction.
 *
 * A transaction never waits for a group to fill: when no group is out, it goes at once (alone
 * when nothing else is waiting). Groups form only from the transactions that queue behind the
 * one in flight, so they grow with the load. A further group (up to `groupsInFlight`) goes out
 * when a full group (`transactionsPerGroup`) is waiting, or when every group in flight has been
 * out for `stallMs`: one waiting on a lock does not hold up the transactions behind it for
 * longer than that.
 *
 * All or nothing per group, but not for its members: when a statement of a group fails (the
 * server said why, and rolled the group back), each member runs again alone, in its own
 * transaction, and gets its own outcome — the members that failed only because they shared a
 * transaction with it commit. A lost connection fails every member of the group (as it fails
 * a transaction that was alone: whether the COMMIT was applied is unknown).
 */
export class GroupCommit {
  readonly #pool: pg.Pool;
  readonly #statementCache: number;
  readonly #limits: GroupCommitLimits;
  #queue: Member[] = [];
  /** The groups in flight, by when each went out (`performance.now()`). */
  readonly #inFlight = new Set<{ readonly started: number }>();
  #stallTimer: NodeJS.Timeout | undefined;

  constructor(pool: pg.Pool, statementCache: number, limits: GroupCommitLimits) {
    this.#pool = pool;
    this.#statementCache = statementCache;
    this.#limits = limits;
  }

  /** Runs `statements` as one transaction (in a group); resolves with their results once committed. */
  commit(statements: readonly PipelinedStatement[]): Promise<PipelinedResult[]> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ statements, resolve, reject });
      this.#pump();
    });
  }

  #pump(): void {
    while (this.#queue.length > 0 && this.#mayStart()) {
      const group = this.#queue.splice(0, this.#limits.transactionsPerGroup);
      const out = { started: performance.now() };
      this.#inFlight.add(out);
      void this.#flush(group).finally(() => {
        this.#inFlight.delete(out);
        this.#pump();
      });
    }
    // Waiting behind groups in flight: look again when the youngest of them counts as stalled
    // (one timer at a time; one that fires early, a younger group having gone since, sets the next).
    if (this.#queue.length > 0 && this.#inFlight.size < this.#limits.groupsInFlight && !this.#stallTimer) {
      this.#stallTimer = setTimeout(() => {
        this.#stallTimer = undefined;
        this.#pump();
      }, Math.max(0, this.#youngest() + this.#limits.stallMs - performance.now()));
      this.#stallTimer.unref();
    }
  }

  /** Nothing out; or a free lane and either a full group waiting or every group out stalled. */
  #mayStart(): boolean {
    if (this.#inFlight.size === 0) return true;
    if (this.#inFlight.size >= this.#limits.groupsInFlight) return false;
    return this.#queue.length >= this.#limits.transactionsPerGroup || performance.now() - this.#youngest() >= this.#limits.stallMs;
  }

  #youngest(): number {
    let youngest = 0;
    for (const group of this.#inFlight) youngest = Math.max(youngest, group.started);
    return youngest;
  }

  async #flush(group: readonly Member[]): Promise<void> {
    let client: pg.PoolClient;
    try {
      client = await this.#pool.connect();
    } catch (error) {
      for (const member of group) member.reject(error);
      return;
    }
    let broken: Error | undefined;
    storeEvents.emit('group', group.length);
    try {
      if (group.length === 1 || !(await this.#together(client, group))) {
        if (group.length > 1) storeEvents.emit('groupRetried', group.length);
        for (const member of group) {
          if (broken) member.reject(broken);
          else broken = await this.#alone(client, member);
        }
      }
    } catch (error) {
      broken = error as Error;
      for (const member of group) member.reject(error);
    } finally {
      client.release(broken);
    }
  }

  /**
   * The group in one transaction. False when the server refused a statement (the group rolled
   * back, the connection is usable): its members are to run alone. A connection failure throws.
   */
  async #together(client: pg.PoolClient, group: readonly Member[]): Promise<boolean> {
    const statements: PipelinedStatement[] = [];
    for (const member of group) statements.push(...member.statements);
    let results: PipelinedResult[];
    try {
      results = await runPipeline(client, statements, this.#statementCache);
    } catch (error) {
      if (isStatementError(error)) return false;
      throw error;
    }
    let next = 0;
    for (const member of group) {
      member.resolve(results.slice(next, next + member.statements.length));
      next += member.statements.length;
    }
    return true;
  }

  /** One member in its own transaction; returns the error that broke the connection, if one did. */
  async #alone(client: pg.PoolClient, member: Member): Promise<Error | undefined> {
    try {
      member.resolve(await runPipeline(client, member.statements, this.#statementCache));
      return undefined;
    } catch (error) {
      member.reject(error);
      return isStatementError(error) ? undefined : (error as Error);
    }
  }
}
