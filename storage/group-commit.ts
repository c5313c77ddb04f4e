import type pg from 'pg';
import { resultsPerSender, runPipeline, type PipelinedResult, type PipelinedStatement } from './pipelined-query.js';
import type { GroupCommitLimits } from './group-commit-limits.js';
import { storeEvents } from './store-events.js';
import { isStatementError } from './database-errors.js';
import { SharedGroup } from './shared-group.js';
import { SharedMember, SharedTransactionDeclined, type SharedTransaction } from './shared-transaction.js';

interface Member {
  readonly statements: readonly PipelinedStatement[];
  /** The names of the locks its statements take (see `holdsLock`). */
  readonly holds: readonly string[];
  /** A transaction that stays open after `statements` (see `share`). */
  readonly shared?: SharedMember;
  resolve(results: PipelinedResult[]): void;
  reject(error: unknown): void;
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
 * A transaction that needs a result before it can send the rest of its statements may share a
 * group's transaction too (`share`): the group then begins explicitly, and commits once every
 * such member has sent its last statements (see `SharedGroup`). Members of one transaction do not
 * exclude each other by locks, so two members that hold the same lock (by name: the session
 * they turn, the subject they serialize) never go in one group; the later waits for the next.
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

  /**
   * Runs `statements` as one transaction (in a group); resolves with their results once committed.
   * `holds`: the names of the locks they take (see `share`).
   */
  commit(statements: readonly PipelinedStatement[], holds: readonly string[] = []): Promise<PipelinedResult[]> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ statements, holds, resolve, reject });
      this.#pump();
    });
  }

  /**
   * Runs `statements` as the first of a transaction that shares a group's transaction and stays
   * open: resolves with their results and the transaction, through which the caller sends the
   * rest (`SharedTransaction`). `holds`: the names of the locks the transaction takes. Rejects
   * with `SharedTransactionDeclined` when the group rolled back before reading any result (the
   * caller sends them on a connection of its own), and later statements fail with
   * `SharedTransactionRolledBack` when the group rolls back after (the caller runs the whole
   * transaction again).
   */
  share(statements: readonly PipelinedStatement[], holds: readonly string[]): Promise<{ results: PipelinedResult[]; transaction: SharedTransaction }> {
    const member = new SharedMember();
    return new Promise((resolve, reject) => {
      this.#queue.push({ statements, holds, shared: member, resolve: (results) => resolve({ results, transaction: member }), reject });
      this.#pump();
    });
  }

  /** The next group: queued transactions in order, but none holding a lock another of the group holds. */
  #take(): Member[] {
    const group: Member[] = [];
    const rest: Member[] = [];
    const held = new Set<string>();
    for (const member of this.#queue) {
      const holds = member.holds;
      if (group.length >= this.#limits.transactionsPerGroup || holds.some((name) => held.has(name))) {
        rest.push(member);
        continue;
      }
      group.push(member);
      for (const name of holds) held.add(name);
    }
    this.#queue = rest;
    return group;
  }

  #pump(): void {
    while (this.#queue.length > 0 && this.#mayStart()) {
      const group = this.#take();
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
      if (group.some((member) => member.shared)) broken = await this.#shared(client, group);
      else if (group.length === 1 || !(await this.#together(client, group))) {
        if (group.length > 1) storeEvents.emit('groupRetried', group.length);
        broken = await this.#eachAlone(client, group);
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
    resultsPerSender(group, results).forEach((own, i) => group[i]!.resolve(own));
    return true;
  }

  /**
   * A group with shared members, in an explicit transaction. When the server refuses its first
   * round trip, the shared members are declined (they go on alone) and the others run alone; when
   * it rolls back later, every member's outcome is as in `#together` (the shared ones fail with
   * `SharedTransactionRolledBack`). Returns the error that broke the connection, if one did.
   */
  async #shared(client: pg.PoolClient, group: readonly Member[]): Promise<Error | undefined> {
    const transaction = new SharedGroup(client, this.#statementCache, this.#limits.memberWaitMs);
    let results: PipelinedResult[];
    try {
      results = await transaction.begin(group.flatMap((member) => member.statements));
    } catch (error) {
      if (!isStatementError(error)) throw error;
      return this.#declined(client, group);
    }
    const closed: Array<{ member: Member; results: PipelinedResult[] }> = [];
    resultsPerSender(group, results).forEach((own, i) => {
      const member = group[i]!;
      if (member.shared) member.resolve(own);
      else closed.push({ member, results: own });
    });
    const ending = await transaction.finish(group.flatMap((member) => (member.shared ? [{ member: member.shared, holds: member.holds }] : [])));
    if (ending === null) {
      for (const { member, results: own } of closed) member.resolve(own);
      return undefined;
    }
    if ('broken' in ending) {
      for (const { member } of closed) member.reject(ending.broken);
      return ending.broken;
    }
    storeEvents.emit('groupRetried', group.length);
    return this.#eachAlone(client, closed.map(({ member }) => member));
  }

  /** The group was refused before any member read a result: shared members go on alone, the others run alone. */
  async #declined(client: pg.PoolClient, group: readonly Member[]): Promise<Error | undefined> {
    storeEvents.emit('groupRetried', group.length);
    for (const member of group) if (member.shared) member.reject(new SharedTransactionDeclined());
    return this.#eachAlone(client, group.filter((member) => !member.shared));
  }

  /** Members one after another, each in its own transaction; returns the error that broke the connection, if one did. */
  async #eachAlone(client: pg.PoolClient, members: readonly Member[]): Promise<Error | undefined> {
    let broken: Error | undefined;
    for (const member of members) {
      if (broken) member.reject(broken);
      else broken = await this.#alone(client, member);
    }
    return broken;
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
