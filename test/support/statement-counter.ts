import type pg from 'pg';

const COUNTED = Symbol('parley.statementCounter');
const counters = new WeakMap<pg.Pool, { count: number; reset(): void }>();

/**
 * Counts the statements sent through one pool's clients (not pg-boss's, which has its own
 * pool): every client the pool hands out from now on reports each `query` call. One counter
 * per pool; calling again returns it.
 */
export function countStatements(pool: pg.Pool): { readonly count: number; reset(): void } {
  const existing = counters.get(pool);
  if (existing) return existing;
  const counter = { count: 0, reset: () => void (counter.count = 0) };
  counters.set(pool, counter);
  pool.on('acquire', (client) => {
    const marked = client as pg.PoolClient & { [COUNTED]?: true };
    if (marked[COUNTED]) return;
    marked[COUNTED] = true;
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
      counter.count += 1;
      return query(...args);
    };
  });
  return counter;
}
