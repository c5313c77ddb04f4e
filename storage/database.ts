import pg from 'pg';
import { Kysely } from 'kysely';
import { PipeliningPostgresDialect } from './pipelining-driver.js';
import { DEFAULT_STATEMENT_CACHE } from './statement-cache.js';
import { DEFAULT_GROUP_COMMIT, type GroupCommitLimits } from './group-commit-limits.js';
import type { Database } from './schema.js';

export type Db = Kysely<Database>;

export interface DatabaseHandle {
  readonly db: Db;
  readonly pool: pg.Pool;
  /** Statements kept prepared per connection (0: none), for statements sent beside kysely. */
  readonly statementCache: number;
  readonly connectionString: string;
  close(): Promise<void>;
}

/**
 * Opens a pooled kysely connection to one PostgreSQL database. `statementCache`: parameterised
 * statements kept prepared per connection (0 for none, e.g. behind a pooler in transaction mode
 * that cannot keep them). `groupCommit`: the limits of the group commit of one-round-trip
 * transactions (see `GroupCommit`), null for none.
 */
export function openDatabase(connectionString: string, options: { max?: number; statementCache?: number; groupCommit?: GroupCommitLimits | null } = {}): DatabaseHandle {
  // A bounded wait for a connection: a saturated pool fails a request instead of hanging it.
  const pool = new pg.Pool({ connectionString, max: options.max ?? 10, connectionTimeoutMillis: 30_000 });
  // An idle client that loses its server (restart, failover) must not crash the process.
  pool.on('error', () => {});
  // Nor may a checked-out one: the pool listens only to idle clients, and a client held between
  // queries (a transaction awaiting the app, a cursor, a LISTEN connection) would emit an
  // unhandled 'error'. Its next query fails instead, and the pool discards it on release.
  pool.on('connect', (client) => client.on('error', () => {}));
  const statementCache = options.statementCache ?? DEFAULT_STATEMENT_CACHE;
  const db = new Kysely<Database>({ dialect: new PipeliningPostgresDialect(pool, statementCache, options.groupCommit === undefined ? DEFAULT_GROUP_COMMIT : options.groupCommit) });
  let closed = false;
  return {
    db,
    pool,
    statementCache,
    connectionString,
    async close() {
      if (closed) return;
      closed = true;
      await db.destroy();
    },
  };
}

/** A pool view for a holder of long-lived clients, and the way to take them back (see `longLivedClientPool`). */
export interface LongLivedClientPool {
  readonly pool: pg.Pool;
  /** Ends every client handed out and still held; clients asked for later are never handed out. */
  close(): void;
}

/**
 * A view of `pool` for a holder that keeps one client checked out for good and drops it when its
 * connection ends, without releasing it — socket.io's PostgreSQL adapter with its LISTEN client.
 * `query` and everything else go to the pool itself. Such a client never goes back to the pool:
 * released, it is ended (it carries the holder's LISTEN), and it is released (so removed) when its
 * connection ends, so a database restart no longer leaks one pool slot each time.
 *
 * `close()` is for after the holder's own close: the adapter keeps its client only once its
 * LISTEN has answered, so a server closed while that was in flight kept the client checked out
 * and the pool's end waited for it for ever. After `close()` a client asked for is ended at once
 * and the request never settles: a rejection would make the adapter retry on a timer, for ever.
 */
export function longLivedClientPool(pool: pg.Pool): LongLivedClientPool {
  const held = new Map<pg.PoolClient, (error: Error) => void>();
  let closed = false;
  const connect = async (): Promise<pg.PoolClient> => {
    const client = await pool.connect();
    if (closed) {
      client.release(true);
      return new Promise<never>(() => {});
    }
    // pg gives each check-out its own release: this one's, called once whoever calls first.
    const release = client.release;
    const giveBack = (error?: Error | boolean) => {
      if (!held.delete(client)) return;
      client.off('end', onEnd);
      release.call(client, error instanceof Error ? error : true);
    };
    const onEnd = () => giveBack(new Error('connection ended'));
    held.set(client, giveBack);
    client.release = giveBack;
    client.once('end', onEnd);
    return client;
  };
  return {
    pool: Object.assign(Object.create(pool) as pg.Pool, { connect, query: pool.query.bind(pool) }),
    close() {
      closed = true;
      for (const giveBack of [...held.values()]) giveBack(new Error('closed'));
    },
  };
}

/** True when the database answers a trivial query. */
export async function pingDatabase(pool: pg.Pool): Promise<boolean> {
  try {
    await pool.query('select 1');
    return true;
  } catch {
    return false;
  }
}
