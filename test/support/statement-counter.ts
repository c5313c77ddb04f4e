import type pg from 'pg';

const COUNTED = Symbol('parley.statementCounter');

/**
 * Counts the statements sent through one pool's clients (not pg-boss's, which has its own
 * pool): every client the pool hands out from now on reports each `query` call.
 */
export function countStatements(pool: pg.Pool): { readonly count: number; reset(): void } {
  const counter = { count: 0, reset: () => void (counter.count = 0) };
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
