import { readFile, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from './config.js';
import { isAlive, readLiveServerRecord, removeServerRecord, writeServerRecord } from './embedded-server-record.js';
import { ConfigError, ParleyError } from '../core/errors.js';
import { reasonOf } from './failure-message.js';
import type { Logger } from './logger.js';
import { postmasterPid, startEmbeddedPostgres } from '../storage/embedded-postgres.js';
import { generateMasterKey } from '../storage/crypto/master-key.js';

export interface ResolvedDatabase {
  readonly connectionString: string;
  readonly embedded: boolean;
  stop(): Promise<void>;
}

/** The database that Parley uses on its embedded PostgreSQL. */
export const EMBEDDED_DATABASE = 'parley';

/**
 * `DATABASE_URL` when set; otherwise the embedded PostgreSQL with its data under `dataDir/pg`.
 * With `share` (the server), how to reach it is recorded in `dataDir/server.json` until `stop()`,
 * for `parley` commands run meanwhile. A data directory in use by another process is refused with
 * a reason instead of starting a second PostgreSQL on it.
 */
export async function resolveDatabase(config: Config, logger: Logger, options: { share?: boolean } = {}): Promise<ResolvedDatabase> {
  if (config.databaseUrl) return { connectionString: config.databaseUrl, embedded: false, stop: async () => {} };
  const pgDir = path.join(config.dataDir, 'pg');
  await refuseIfInUse(config.dataDir, pgDir);
  const server = await startEmbeddedPostgres({
    dataDir: pgDir,
    persistent: true,
    port: Number(process.env.PARLEY_EMBEDDED_PG_PORT) || undefined,
  }).catch((error: unknown) => {
    const reason = reasonOf(error);
    throw new ParleyError('unavailable', `could not start the embedded PostgreSQL in ${pgDir}${reason && `: ${reason}`}`, { path: 'PARLEY_DATA_DIR', cause: error });
  });
  logger.info({ port: server.port, dataDir: config.dataDir }, 'embedded PostgreSQL started');
  try {
    const connectionString = await server.database(EMBEDDED_DATABASE);
    if (options.share) {
      await writeServerRecord(config.dataDir, { port: server.port, postgresPid: await postmasterPid(pgDir), masterKey: config.masterKey ? 'environment' : 'file' });
    }
    const stop = async () => {
      if (options.share) await removeServerRecord(config.dataDir);
      await server.stop();
    };
    return { connectionString, embedded: true, stop };
  } catch (error) {
    await server.stop().catch(() => {});
    throw error;
  }
}

async function refuseIfInUse(dataDir: string, pgDir: string): Promise<void> {
  const running = await readLiveServerRecord(dataDir);
  if (running) {
    throw new ParleyError('conflict', `a Parley server (pid ${running.pid}) already runs on ${dataDir}; stop it first or set another PARLEY_DATA_DIR`, { path: 'PARLEY_DATA_DIR' });
  }
  const holder = await postmasterPid(pgDir);
  if (holder !== undefined && isAlive(holder)) {
    throw new ParleyError('conflict', `the embedded PostgreSQL in ${pgDir} is in use by another process (postgres pid ${holder}), probably another parley command; wait for it to finish and retry`, { path: 'PARLEY_DATA_DIR' });
  }
}

/**
 * `PARLEY_MASTER_KEY` when set. With the embedded database a key is generated once into
 * `dataDir/master.key` (mode 0600) and reused. With an external database the key must be given.
 */
export async function resolveMasterKey(config: Config, embedded: boolean, logger: Logger): Promise<string> {
  if (config.masterKey) return config.masterKey;
  if (!embedded) throw new ConfigError('must be set when DATABASE_URL is used', 'PARLEY_MASTER_KEY');
  const file = path.join(config.dataDir, 'master.key');
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch {
    await mkdir(config.dataDir, { recursive: true });
    const key = generateMasterKey();
    try {
      await writeFile(file, `${key}\n`, { mode: 0o600, flag: 'wx' });
    } catch (error) {
      // Another process (the server, or a parley command) wrote it first: use theirs.
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return (await readFile(file, 'utf8')).trim();
      throw error;
    }
    logger.warn({ file }, 'generated a master key for the embedded database; set PARLEY_MASTER_KEY in production');
    return key;
  }
}
