import { readFile, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from './config.js';
import { ConfigError } from '../core/errors.js';
import type { Logger } from './logger.js';
import { startEmbeddedPostgres } from '../storage/embedded-postgres.js';
import { generateMasterKey } from '../storage/crypto/master-key.js';

export interface ResolvedDatabase {
  readonly connectionString: string;
  readonly embedded: boolean;
  stop(): Promise<void>;
}

/** `DATABASE_URL` when set; otherwise the embedded PostgreSQL with its data under `dataDir/pg`. */
export async function resolveDatabase(config: Config, logger: Logger): Promise<ResolvedDatabase> {
  if (config.databaseUrl) return { connectionString: config.databaseUrl, embedded: false, stop: async () => {} };
  const server = await startEmbeddedPostgres({
    dataDir: path.join(config.dataDir, 'pg'),
    persistent: true,
    port: Number(process.env.PARLEY_EMBEDDED_PG_PORT) || undefined,
  });
  logger.info({ port: server.port, dataDir: config.dataDir }, 'embedded PostgreSQL started');
  return { connectionString: await server.database('parley'), embedded: true, stop: () => server.stop() };
}

/**
 * `PARLEY_MASTER_KEY` when set. With the embedded database a key is generated once into
 * `dataDir/master.key` (mode 0600) and reused. With an external database the key must be given.
 */
export async function resolveMasterKey(config: Config, embedded: boolean, logger: Logger): Promise<string> {
  if (config.masterKey) return config.masterKey;
  if (!embedded) throw new ConfigError('PARLEY_MASTER_KEY must be set when DATABASE_URL is used', 'PARLEY_MASTER_KEY');
  const file = path.join(config.dataDir, 'master.key');
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch {
    await mkdir(config.dataDir, { recursive: true });
    const key = generateMasterKey();
    await writeFile(file, `${key}\n`, { mode: 0o600, flag: 'wx' });
    logger.warn({ file }, 'generated a master key for the embedded database; set PARLEY_MASTER_KEY in production');
    return key;
  }
}
