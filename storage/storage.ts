import type { Clock } from '../core/clock.js';
import { Keyring } from './crypto/keyring.js';
import { MasterKeys } from './crypto/master-key.js';
import { openDatabase, pingDatabase, type DatabaseHandle } from './database.js';
import { DEFAULT_GROUP_COMMIT } from './group-commit-limits.js';
import { JobQueue } from './job-queue.js';
import { migrateToLatest } from './migrator.js';
import type { StoreContext } from './store-context.js';

/** Everything the runtime needs from storage, opened together and closed together. */
export interface Storage extends StoreContext {
  readonly database: DatabaseHandle;
  /** The pool, for streaming reads that need a dedicated connection (cursors). */
  readonly pool: DatabaseHandle['pool'];
  readonly jobs: JobQueue;
  /** True when both the database and the job queue answer. */
  health(): Promise<{ database: boolean; jobs: boolean }>;
  close(): Promise<void>;
}

export async function openStorage(options: {
  connectionString: string;
  masterKey: string;
  /** Keys that wrapped data keys before `masterKey` (a rotation under way): they only open those. */
  previousMasterKeys?: readonly string[];
  clock: Clock;
  poolSize?: number;
  /** Whether this process runs pg-boss cron scheduling (every process may). */
  schedule?: boolean;
  migrate?: boolean;
  /** Statements kept prepared per connection (see `openDatabase`). */
  statementCache?: number;
  /** Group commits in flight at once, 0 for none (see `GroupCommit`); its default otherwise. */
  groupCommit?: number;
}): Promise<Storage> {
  const masterKeys = MasterKeys.parse(options.masterKey, options.previousMasterKeys);
  const groupCommit = options.groupCommit === undefined ? undefined : options.groupCommit === 0 ? null : { ...DEFAULT_GROUP_COMMIT, groupsInFlight: options.groupCommit };
  const database = openDatabase(options.connectionString, { max: options.poolSize ?? 10, statementCache: options.statementCache, groupCommit });
  try {
    if (options.migrate ?? true) await migrateToLatest(database.db);
    const jobs = new JobQueue({ connectionString: options.connectionString, schedule: options.schedule });
    jobs.on('error', () => {});
    await jobs.start();
    return {
      db: database.db,
      keyring: new Keyring(database.db, masterKeys),
      clock: options.clock,
      database,
      pool: database.pool,
      jobs,
      async health() {
        const [db, queue] = await Promise.all([pingDatabase(database.pool), jobs.ping()]);
        return { database: db, jobs: queue };
      },
      async close() {
        await jobs.stop();
        await database.close();
      },
    };
  } catch (error) {
    await database.close();
    throw error;
  }
}
