import type pg from 'pg';

/**
 * Statements kept prepared per connection unless told otherwise. A chat turn uses about ten; each
 * prepared statement keeps its plans in the database session, up to about half a megabyte for one
 * that reads a store table with eighty partitions, so the cache stays small (pgx keeps 512).
 */
export const DEFAULT_STATEMENT_CACHE = 64;

/**
 * How one statement of a pipeline goes out on a connection that keeps prepared statements:
 * `name` is its server-side name ('' for the unnamed statement); `parse` when it must be parsed
 * (first use, or again after an uncertain outcome); `close` when a statement of that name may
 * already exist and must be dropped before the parse.
 */
export interface StatementUse {
  readonly name: string;
  readonly parse: boolean;
  readonly close: boolean;
  /** The cache's record of the statement, settled once the pipeline has its outcome (none when unnamed). */
  readonly entry?: Entry;
}

/** A statement that goes out unnamed, parsed anew. */
export const UNNAMED: StatementUse = { name: '', parse: true, close: false };

type State = 'ready' | 'pending' | 'uncertain';

interface Entry {
  readonly name: string;
  state: State;
}

/**
 * The statements prepared on one PostgreSQL connection, by SQL text, least recently used first,
 * at most `capacity` of them (as pgx's statement cache does). A prepared statement is parsed and,
 * once PostgreSQL settles on a generic plan, planned once per connection instead of on every
 * execution: the chat turn's statements spent more time in parse and plan than in execution.
 *
 * A statement parsed in a pipeline that failed before it completed is "uncertain": its parse may
 * or may not have run, so its next use closes the name (closing a missing statement is no
 * error) and parses it again. So does a statement that failed itself (a plan invalidated by a
 * schema change that alters its result type, say).
 */
export class StatementCache {
  readonly #capacity: number;
  readonly #entries = new Map<string, Entry>();
  #next = 0;

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  /** How `sql` goes out in the pipeline being written; `evicted` collects names to close first. */
  use(sql: string, evicted: string[]): StatementUse {
    const found = this.#entries.get(sql);
    if (found) {
      this.#entries.delete(sql);
      this.#entries.set(sql, found);
      if (found.state === 'uncertain') {
        found.state = 'pending';
        return { name: found.name, parse: true, close: true, entry: found };
      }
      return { name: found.name, parse: false, close: false, entry: found };
    }
    if (this.#entries.size >= this.#capacity) {
      const [oldest, entry] = this.#entries.entries().next().value as [string, Entry];
      // One in flight in this very pipeline stays: the pipeline then simply goes unnamed.
      if (entry.state === 'pending') return UNNAMED;
      this.#entries.delete(oldest);
      evicted.push(entry.name);
    }
    const entry: Entry = { name: `parley_${(this.#next += 1)}`, state: 'pending' };
    this.#entries.set(sql, entry);
    return { name: entry.name, parse: true, close: false, entry };
  }

  /**
   * The pipeline's outcome for its `uses`: the first `completed` statements ran. After a failure the
   * rest are uncertain, and so is the failing statement itself, even one prepared before, when
   * `staleStatement` (its plan or its name no longer holds on the server). Settles the entries the
   * uses carry, without looking their texts up again.
   */
  settle(uses: readonly StatementUse[], completed: number, failure?: { staleStatement: boolean }): void {
    uses.forEach(({ entry }, index) => {
      if (!entry) return;
      if (failure?.staleStatement && index === completed) entry.state = 'uncertain';
      else if (entry.state === 'pending') entry.state = failure && index >= completed ? 'uncertain' : 'ready';
    });
  }

  get size(): number {
    return this.#entries.size;
  }
}

/**
 * True for the errors that say a prepared statement no longer holds: "cached plan must not
 * change result type" after a schema change, or a name the server does not know.
 */
export function isStaleStatementError(error: unknown): boolean {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return code === '0A000' || code === '26000';
}

const caches = new WeakMap<pg.Connection, StatementCache>();

/** The statement cache of `connection`, created on first use with `capacity`. */
export function statementCacheOf(connection: pg.Connection, capacity: number): StatementCache {
  let cache = caches.get(connection);
  if (!cache) {
    cache = new StatementCache(capacity);
    caches.set(connection, cache);
  }
  return cache;
}
