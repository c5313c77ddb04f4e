import type { PipelinedResult, PipelinedStatement } from './pipelined-query.js';

/**
 * A transaction that shares a group's transaction (see `GroupCommit.share`) and stays open after
 * its first statements: it sends the rest through here.
 */
export interface SharedTransaction {
  /**
   * Runs `statements` in the group's transaction and resolves with their results; `last`: they
   * are this transaction's last, and the promise resolves once the group has committed.
   * `holds`: the names of the locks they take (a name another member holds rolls the group back).
   */
  run(statements: readonly PipelinedStatement[], last: boolean, holds?: readonly string[]): Promise<PipelinedResult[]>;
  /** Ends this transaction without committing it: the group rolls back (its other members run again). */
  abandon(): void;
}

/** What a shared member asks of its group next. */
export type SharedRequest =
  | {
      readonly kind: 'run';
      readonly statements: readonly PipelinedStatement[];
      readonly last: boolean;
      readonly holds: readonly string[];
      resolve(results: PipelinedResult[]): void;
      reject(error: unknown): void;
    }
  | { readonly kind: 'abandon' };

/**
 * The failure of a shared transaction whose group rolled back after it had read its first
 * results (another member's statement failed, or a member left): nothing of it was committed,
 * and what it read may be gone. The caller runs the whole transaction again, outside a group.
 */
export class SharedTransactionRolledBack extends Error {
  readonly code = 'PRL02';
  constructor() {
    super('The transaction shared a group with another that failed, and was rolled back with it');
    this.name = 'SharedTransactionRolledBack';
  }
}

/**
 * The refusal of a shared transaction's first statements (their group rolled back before any
 * member read a result): the caller sends them again on a connection of its own.
 */
export class SharedTransactionDeclined extends Error {
  constructor() {
    super('The group did not take the transaction');
    this.name = 'SharedTransactionDeclined';
  }
}

/**
 * The group's side of one shared transaction: the member posts one request at a time (a
 * connection sends its statements in turn) and the group takes them with `next`.
 */
export class SharedMember implements SharedTransaction {
  #taker: ((request: SharedRequest) => void) | undefined;
  #posted: SharedRequest | undefined;
  #failure: Error | undefined;
  #ended = false;

  run(statements: readonly PipelinedStatement[], last: boolean, holds: readonly string[] = []): Promise<PipelinedResult[]> {
    if (this.#failure) return Promise.reject(this.#failure);
    if (this.#ended) return Promise.reject(new Error('This shared transaction has ended'));
    return new Promise((resolve, reject) => this.#post({ kind: 'run', statements, last, holds, resolve, reject }));
  }

  abandon(): void {
    // Nothing to tell a group that has ended, failed, or not yet taken this member's request.
    if (this.#ended || this.#failure || this.#posted) return;
    this.#post({ kind: 'abandon' });
  }

  #post(request: SharedRequest): void {
    if (this.#posted) throw new Error('A shared transaction sends one request at a time');
    if (request.kind === 'abandon' || request.last) this.#ended = true;
    const taker = this.#taker;
    this.#taker = undefined;
    if (taker) taker(request);
    else this.#posted = request;
  }

  /** The member's next request, once it has posted one. */
  next(): Promise<SharedRequest> {
    const posted = this.#posted;
    this.#posted = undefined;
    if (posted) return Promise.resolve(posted);
    return new Promise((resolve) => (this.#taker = resolve));
  }

  /** The group failed: requests posted later fail with `error` (the group fails the pending ones). */
  fail(error: Error): void {
    this.#failure = error;
    this.#ended = true;
    this.#taker = undefined;
    const posted = this.#posted;
    this.#posted = undefined;
    if (posted?.kind === 'run') posted.reject(error);
  }
}

/** True for a shared transaction's failure with its group (see `SharedTransactionRolledBack`): run it again, alone. */
export function isSharedTransactionRolledBack(error: unknown): boolean {
  return error instanceof SharedTransactionRolledBack;
}
