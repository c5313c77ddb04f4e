import { ParleyError } from '../../core/errors.js';
import type { StoreContext } from '../../storage/store-context.js';

/**
 * A store context without a database, for running steps that may not need one (a session's
 * first turn usually only greets and asks). The first use of its `db` marks it used and throws;
 * the caller then runs the steps again inside a transaction. Held store rows, the keyring
 * (with its own pool) and the clock work as usual.
 */
export function databaseFreeContext(ctx: StoreContext): { readonly ctx: StoreContext; used(): boolean } {
  let used = false;
  const db = new Proxy(ctx.db, {
    get(target, name) {
      if (name === 'isTransaction') return false;
      if (name === 'then' || typeof name === 'symbol') return Reflect.get(target, name) as unknown;
      used = true;
      throw new ParleyError('internal', 'This step needs the database: run it in a transaction');
    },
  });
  return { ctx: { ...ctx, db }, used: () => used };
}
