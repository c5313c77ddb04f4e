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
  /** When it was last used (the cache's use counter). */
  used: number;
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
  #clock = 0;
  /** The use counter when the pipeline being written began: entries used since are in it. */
  #pipelineStart = 0;

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  /** Marks the start of a pipeline: what it uses is never evicted while it is written. */
  startPipeline(): void {
    this.#pipelineStart = this.#clock;
  }

  /**
   * How `sql` goes out in the pipeline being written; `evicted` collects names to close first. A
   * hit is one map lookup (recency is a counter on the entry: the turn's SQL texts are kilobytes
   * long, and moving a Map key costs two more hashes and comparisons of the text); a miss at
   * capacity finds the least recently used entry by a scan.
   */
  use(sql: string, evicted: string[]): StatementUse {
    const found = this.#entries.get(sql);
    if (found) {
      found.used = this.#clock += 1;
      if (found.state === 'uncertain') {
        found.state = 'pending';
        return { name: found.name, parse: true, close: true, entry: found };
      }
      return { name: found.name, parse: false, close: false, entry: found };
    }
    if (this.#entries.size >= this.#capacity) {
      const oldest = this.#leastRecentlyUsed();
      // Every entry is in flight or used by this very pipeline: the statement simply goes unnamed.
      if (!oldest) return UNNAMED;
      this.#entries.delete(oldest[0]);
      evicted.push(oldest[1].name);
    }
    const entry: Entry = { name: `parley_${(this.#next += 1)}`, state: 'pending', used: (this.#clock += 1) };
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

  /**
   * The least recently used entry that may go: not in flight (pending) and not used by the
   * pipeline being written (its name is closed before that pipeline's statements), if any.
   */
  #leastRecentlyUsed(): [string, Entry] | undefined {
    let oldest: [string, Entry] | undefined;
    for (const pair of this.#entries) {
      const entry = pair[1];
      if (entry.state === 'pending' || entry.used > this.#pipelineStart) continue;
      if (!oldest || entry.used < oldest[1].used) oldest = pair;
    }
    return oldest;
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
