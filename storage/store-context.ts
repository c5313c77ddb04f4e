import { sql, type CompiledQuery, type RawBuilder } from 'kysely';
import type { Clock } from '../core/clock.js';
import type { Keyring } from './crypto/keyring.js';
import type { Db } from './database.js';
import { holdsLock } from './pipelining-driver.js';

/** What every store operation needs: the database, the workspace keys and the clock. */
export interface StoreContext {
  readonly db: Db;
  readonly keyring: Keyring;
  readonly clock: Clock;
}

/** Runs `work` in one transaction; the context it gets writes and locks inside that transaction. */
export async function inTransaction<T>(ctx: StoreContext, work: (trx: StoreContext) => Promise<T>): Promise<T> {
  if (ctx.db.isTransaction) return work(ctx);
  return ctx.db.transaction().execute((db) => work({ ...ctx, db, keyring: ctx.keyring.forDb(db) }));
}

/**
 * The statement taking the transaction-level advisory lock named `key` (hashed to 64 bits), held
 * until the caller's transaction ends: serializes the transactions that take the same key.
 */
export function transactionLock(key: string): RawBuilder<unknown> {
  return sql`select pg_advisory_xact_lock(hashtextextended(${key}, 0))`;
}

/** `transactionLock(key)` compiled for `db`, naming the lock it takes (see `holdsLock`). */
export function transactionLockStatement(db: Db, key: string): CompiledQuery {
  return holdsLock(transactionLock(key).compile(db), key);
}
