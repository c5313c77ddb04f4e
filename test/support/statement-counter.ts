import type pg from 'pg';

const COUNTED = Symbol('parley.statementCounter');
/** Statements and round trips sent through one pool's clients. */
export interface StatementCounter {
  /** Statements sent (a pipeline of several statements counts each). */
  readonly count: number;
  /** Round trips (a pipeline counts once). */
  readonly roundTrips: number;
  reset(): void;
}

const counters = new WeakMap<pg.Pool, StatementCounter>();

/**
 * Counts the statements and round trips sent through one pool's clients (not pg-boss's, which
 * has its own pool): every client the pool hands out from now on reports each `query` call (a
 * pipelined query reports its `statementCount`). One counter per pool; calling again returns it.
 */
export function countStatements(pool: pg.Pool): StatementCounter {
  const existing = counters.get(pool);
  if (existing) return existing;
  const counter = {
    count: 0,
    roundTrips: 0,
    reset: () => {
      counter.count = 0;
      counter.roundTrips = 0;
    },
  };
  counters.set(pool, counter);
  pool.on('acquire', (client) => {
    const marked = client as pg.PoolClient & { [COUNTED]?: true };
    if (marked[COUNTED]) return;
    marked[COUNTED] = true;
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
      const first = args[0] as { statementCount?: number } | undefined;
      counter.count += first?.statementCount ?? 1;
      counter.roundTrips += 1;
      return query(...args);
    };
  });
  return counter;
}
