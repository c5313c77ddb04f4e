import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { EMBEDDED_DATABASE, resolveDatabase, resolveMasterKey, type ResolvedDatabase } from '../bootstrap.js';
import { systemClock } from '../../core/clock.js';
import type { Config } from '../config.js';
import { readLiveServerRecord, type EmbeddedServerRecord } from '../embedded-server-record.js';
import { ConfigError, ParleyError } from '../../core/errors.js';
import { reasonOf } from '../failure-message.js';
import type { Logger } from '../logger.js';
import { EXPORT_POOL_SIZE } from '../export-process/export-run-protocol.js';
import { parseMasterKey } from '../../storage/crypto/master-key.js';
import { embeddedDatabaseUrl } from '../../storage/embedded-postgres.js';
import { openStorage, type Storage } from '../../storage/storage.js';

interface CliDatabase extends ResolvedDatabase {
  /** The running server whose embedded PostgreSQL this is, when the CLI did not start its own. */
  readonly server: EmbeddedServerRecord | undefined;
}

/**
 * The database a `parley` command works on: `DATABASE_URL` when set; else the embedded
 * PostgreSQL of the Parley server running on the same data directory (found through its
 * `server.json`); else an embedded PostgreSQL started for this command and stopped after it.
 */
async function resolveCliDatabase(config: Config, logger: Logger): Promise<CliDatabase> {
  if (!config.databaseUrl) {
    const server = await readLiveServerRecord(config.dataDir);
    if (server) {
      logger.info({ pid: server.pid, port: server.port }, 'using the running server\'s embedded PostgreSQL');
      return { connectionString: embeddedDatabaseUrl(server.port, EMBEDDED_DATABASE), embedded: true, server, stop: async () => {} };
    }
  }
  return { ...(await resolveDatabase(config, logger)), server: undefined };
}

/** The CLI's database and storage, opened when a command first asks and closed once at the end. */
export function openCliResources(config: Config, logger: Logger) {
  let database: Promise<CliDatabase> | undefined;
  let storage: Promise<Storage> | undefined;
  const databaseNow = () => (database ??= resolveCliDatabase(config, logger));
  return {
    databaseUrl: async () => (await databaseNow()).connectionString,
    storage: () =>
      (storage ??= (async () => {
        const db = await databaseNow();
        if (db.server) await requireServersMasterKey(config, db.server);
        const masterKey = await resolveMasterKey(config, db.embedded, logger);
        return openStorage({ connectionString: db.connectionString, masterKey, previousMasterKeys: config.previousMasterKeys, clock: systemClock, schedule: false, poolSize: EXPORT_POOL_SIZE }).catch((error: unknown) => {
          if (!db.server) throw error;
          const reason = reasonOf(error);
          throw new ParleyError('unavailable', `cannot reach the database of the running server (pid ${db.server.pid}, PostgreSQL port ${db.server.port})${reason && `: ${reason}`}`, { cause: error });
        });
      })()),
    async close(): Promise<void> {
      await storage?.then((s) => s.close(), () => {});
      await database?.then((d) => d.stop(), () => {});
    },
  };
}

/** Data written through the server's database must be wrapped with the server's master key. */
async function requireServersMasterKey(config: Config, server: EmbeddedServerRecord): Promise<void> {
  if (server.masterKey === 'environment' && !config.masterKey) {
    throw new ConfigError(`the running server (pid ${server.pid}) takes its master key from its environment; set the same here`, 'PARLEY_MASTER_KEY');
  }
  if (server.masterKey === 'file' && config.masterKey) {
    const file = await readFile(path.join(config.dataDir, 'master.key'), 'utf8').catch(() => undefined);
    if (file !== undefined && !parseMasterKey(file).equals(parseMasterKey(config.masterKey))) {
      throw new ConfigError(`differs from the key of the running server (pid ${server.pid}) in ${config.dataDir}/master.key; unset it here`, 'PARLEY_MASTER_KEY');
    }
  }
}
