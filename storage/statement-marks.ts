import type { CompiledQuery } from 'kysely';

/**
 * What the statements of a transaction are to the pipelining connection
 * (`pipelining-connection.ts`), as the functions of `pipelining-driver.ts` mark them.
 */

/** Queries that commit their transaction in the same round trip (see `executeAndCommit`). */
export const COMMITTING = new WeakSet<CompiledQuery>();
/** Statements that go out in the same round trip before a query (see `executeAfter`). */
export const PRECEDING = new WeakMap<CompiledQuery, readonly CompiledQuery[]>();
/** Statements that wait for the transaction's next statement (see `deferStatement`). */
export const DEFERRED = new WeakSet<CompiledQuery>();
/** Queries that end their transaction (or are one on their own) and may share a commit (see `executeAndCommit`). */
export const GROUPABLE = new WeakSet<CompiledQuery>();
/** Deferred statements that have not gone out yet (see `isStillDeferred`). */
export const WAITING = new WeakSet<CompiledQuery>();
/** Last statements that stand in for a deferred statement (see `executeAndCommitInstead`). */
export const STANDS_IN_FOR = new WeakMap<CompiledQuery, CompiledQuery>();
/** Deferred statements whose transaction may share a group's (see `deferStatement`). */
export const SHARING = new WeakSet<CompiledQuery>();
/** The name of the lock a statement takes until its transaction ends (see `holdsLock`). */
export const HOLDS = new WeakMap<CompiledQuery, string>();
