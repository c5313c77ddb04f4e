import { parseArgs } from 'node:util';
import { resolveDatabase, resolveMasterKey } from '../bootstrap.js';
import { systemClock } from '../clock.js';
import { loadConfig } from '../config.js';
import { ParleyError } from '../errors.js';
import { createLogger } from '../logger.js';
import { openStorage, type Storage } from '../../storage/storage.js';
import { migrateToLatest } from '../../storage/migrator.js';
import { openDatabase } from '../../storage/database.js';
import { sweepExpired } from '../../storage/sweeper.js';
import { createWorkspace } from '../../storage/workspace-repository.js';
import { issueApiKey, revokeApiKey } from '../../storage/api-key-repository.js';
import { runExportCommand } from './export-commands.js';

interface CliIo {
  env: NodeJS.ProcessEnv;
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

const USAGE = `Usage: parley <command>

Commands:
  migrate                                   apply pending database migrations
  workspace create --name NAME [--time-zone ZONE]
                                            create a workspace; prints its id and an API key (shown once)
  key create --workspace ID [--name NAME]   issue another API key for a workspace
  key revoke --workspace ID --key KEY_ID    revoke an API key
  sweep [--batch-size N]                    delete expired rows now (once)
  export run --workspace ID --export ID [--stats]
                                            run an export now through its destination
  export render --workspace ID --export ID --out FILE [--stats]
                                            write an export to a local file (no delivery)

Environment: DATABASE_URL (else the embedded PostgreSQL under PARLEY_DATA_DIR), PARLEY_MASTER_KEY.
`;

/** The operator CLI. Returns the process exit code; never prints a stack trace. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [command, sub, ...rest] = argv;
  if (!command || command === 'help' || command === '--help') {
    io.stdout.write(USAGE);
    return command ? 0 : 2;
  }
  const config = loadConfig(io.env);
  const logger = createLogger(io.env.LOG_LEVEL ?? 'warn');
  const database = await resolveDatabase(config, logger);
  try {
    if (command === 'migrate') {
      const handle = openDatabase(database.connectionString, { max: 1 });
      try {
        const applied = await migrateToLatest(handle.db);
        io.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'database is up to date\n');
      } finally {
        await handle.close();
      }
      return 0;
    }
    const masterKey = await resolveMasterKey(config, database.embedded, logger);
    const storage = await openStorage({ connectionString: database.connectionString, masterKey, clock: systemClock, schedule: false, poolSize: 2 });
    try {
      if (command === 'export') return await runExportCommand(storage, sub, rest, io, config);
      return await runStorageCommand(storage, command, sub, rest, io, config.sweepBatchSize);
    } finally {
      await storage.close();
    }
  } catch (error) {
    const badArgs = (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS') === true;
    const e = error instanceof ParleyError ? error : badArgs ? new ParleyError('bad_request', 'Unknown or malformed option; see parley --help') : new ParleyError('internal', 'Command failed', { cause: error });
    io.stderr.write(`parley: ${e.code}: ${e.message}${e.path ? ` (${e.path})` : ''}\n`);
    return 1;
  } finally {
    await database.stop();
  }
}

async function runStorageCommand(storage: Storage, command: string, sub: string | undefined, rest: string[], io: CliIo, batchSize: number): Promise<number> {
  if (command === 'workspace' && sub === 'create') {
    const { values } = parseArgs({ args: rest, options: { name: { type: 'string' }, 'time-zone': { type: 'string' } } });
    const workspace = await createWorkspace(storage, { name: values.name ?? '', ...(values['time-zone'] && { timeZone: values['time-zone'] }) });
    const key = await issueApiKey(storage.db, workspace.id, 'cli');
    io.stdout.write(`workspace: ${workspace.id}\napi key id: ${key.id}\napi key: ${key.key}\n(the key is shown once; only its hash is stored)\n`);
    return 0;
  }
  if (command === 'key' && sub === 'create') {
    const { values } = parseArgs({ args: rest, options: { workspace: { type: 'string' }, name: { type: 'string' } } });
    const key = await issueApiKey(storage.db, requireUuid(values.workspace, '--workspace'), values.name ?? 'cli');
    io.stdout.write(`api key id: ${key.id}\napi key: ${key.key}\n`);
    return 0;
  }
  if (command === 'key' && sub === 'revoke') {
    const { values } = parseArgs({ args: rest, options: { workspace: { type: 'string' }, key: { type: 'string' } } });
    const revoked = await revokeApiKey(storage.db, requireUuid(values.workspace, '--workspace'), requireUuid(values.key, '--key'));
    if (!revoked) throw new ParleyError('not_found', 'No such live key in this workspace', { path: '--key' });
    io.stdout.write('revoked\n');
    return 0;
  }
  if (command === 'sweep') {
    const { values } = parseArgs({ args: [sub, ...rest].filter((a): a is string => a !== undefined), options: { 'batch-size': { type: 'string' } } });
    const size = values['batch-size'] === undefined ? batchSize : Number(values['batch-size']);
    if (!Number.isInteger(size) || size < 1) throw new ParleyError('bad_request', 'Batch size must be a positive whole number', { path: '--batch-size' });
    const report = await sweepExpired(storage.db, { now: storage.clock.now(), batchSize: size });
    for (const t of report.tables) io.stdout.write(`${t.table}\t${t.rowsDeleted} rows\t${t.batches} batches\t${t.durationMs} ms\n`);
    io.stdout.write(`total\t${report.rowsDeleted} rows\n`);
    return 0;
  }
  io.stderr.write(USAGE);
  return 2;
}

function requireUuid(value: string | undefined, flag: string): string {
  if (!value || !/^[0-9a-f-]{36}$/i.test(value)) throw new ParleyError('bad_request', `${flag} must be an id`, { path: flag });
  return value;
}
