import path from 'node:path';
import os from 'node:os';
import { isCronExpression } from './cron-expression.js';
import { ConfigError } from '../core/errors.js';
// Only a constant: the statement cache's module loads no database driver, so `parley --help` stays light.
import { DEFAULT_STATEMENT_CACHE } from '../storage/statement-cache.js';
import { DEFAULT_GROUP_COMMIT } from '../storage/group-commit-limits.js';

/** Process configuration, read once from the environment and frozen. */
export interface Config {
  readonly port: number;
  readonly host: string;
  /** A PostgreSQL URL; undefined means "start the embedded PostgreSQL". */
  readonly databaseUrl: string | undefined;
  readonly dataDir: string;
  /** Master key text (hex or base64); undefined means "generate one into dataDir" (embedded only). */
  readonly masterKey: string | undefined;
  /** Master keys that came before it (a rotation under way), as given: they only open data keys they still wrap. */
  readonly previousMasterKeys: readonly string[];
  readonly sweepCron: string;
  readonly sweepBatchSize: number;
  /** How long an export run's claim lasts without renewal: a run whose worker died is taken over after it. */
  readonly exportLeaseMs: number;
  /** Days a file delivered to a local destination is kept after it was written (0: kept until removed by hand). */
  readonly exportFileDays: number;
  /**
   * The address people reach this server at (`PARLEY_PUBLIC_URL`): links in mails and the public
   * pages the console names. Unset, `http://localhost:PORT`; with PORT=0, the address the server
   * listens at once it does (`RunningServer.publicUrl`).
   */
  readonly publicUrl: string | undefined;
  readonly logLevel: string;
  /** Chat handshakes one client address (IPv6: its /64) may start per minute; beyond it they are refused before any database access. */
  readonly handshakesPerIpPerMinute: number;
  /** Files one client address may send to chat steps per minute. */
  readonly filesPerIpPerMinute: number;
  /** Files one server process receives at once; beyond it 503 with Retry-After. */
  readonly filesInFlight: number;
  /** Reverse proxies in front of the server whose X-Forwarded-For entry names the client (0: use the socket's address). */
  readonly trustProxyHops: number;
  /** Signed webhooks: private targets allowed, retry backoff base (s), attempts, per-attempt timeout, outbox drain interval, deliveries at once. */
  readonly webhooks: {
    readonly allowPrivate: boolean;
    readonly retryDelaySeconds: number;
    readonly maxAttempts: number;
    readonly timeoutMs: number;
    readonly drainIntervalMs: number;
    readonly concurrency: number;
  };
  /** Consent confirmation mails one server process sends at once. */
  readonly mailConcurrency: number;
  /** Parameterised statements kept prepared per database connection (0: none, for a pooler in transaction mode). */
  readonly statementCache: number;
  /** Group commits in flight at once (0: every transaction commits alone; see storage/group-commit.ts). */
  readonly groupCommit: number;
  /** Chat handshake entries kept per process, dropped on the change feed (0: every handshake reads the database). */
  readonly chatEntryCache: number;
  /** Most lines one streamed CSV code upload may have (bigger files are refused with 413). */
  readonly codeUploadMaxLines: number;
  /** Where the server runs an export run: `process`, a Node process of its own per run; `inline`, in the server's own. */
  readonly exportRunner: ExportRunner;
  /** The niceness of an export run's process (0: the server's own priority). */
  readonly exportNice: number;
  /** Export runs one server process runs at once (see `defaultExportConcurrency`). */
  readonly exportConcurrency: number;
  /** How long an export run's process waits for the next run before it ends (0: a process per run). */
  readonly exportProcessIdleMs: number;
}

/**
 * Export runs a server runs at once unless `PARLEY_EXPORT_CONCURRENCY` says otherwise: a quarter
 * of the cores the process may use, at least one. A related export of 300,000 entries kept 1.7 of
 * the 2-core machine's cores busy (its process 0.8, PostgreSQL's backends 0.9). On 2 to 7 cores
 * runs go one at a time, as before the setting; on 8 or more, exports due at the same minute run
 * side by side (about 40 % of the machine's cores) instead of each waiting for the one before.
 */
export const defaultExportConcurrency = (): number => Math.max(1, Math.floor(os.availableParallelism() / 4));

export const EXPORT_RUNNERS = ['process', 'inline'] as const;
export type ExportRunner = (typeof EXPORT_RUNNERS)[number];

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const text = env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`must be a whole number from ${min} to ${max}`, name);
  }
  return value;
}

function boolean(env: NodeJS.ProcessEnv, name: string): boolean {
  const text = env[name];
  if (text === undefined || text === '' || text === 'false' || text === '0') return false;
  if (text === 'true' || text === '1') return true;
  throw new ConfigError('must be true or false', name);
}

/**
 * Reads and checks the configuration, for the server and the CLI alike; a bad value is a
 * ConfigError whose path names the variable (printed as `PARLEY_SWEEP_CRON: not a valid …`).
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = integer(env, 'PORT', 3000, 0, 65535);
  const databaseUrl = env.DATABASE_URL || undefined;
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError('must be a postgres:// URL', 'DATABASE_URL');
  }
  const sweepCron = env.PARLEY_SWEEP_CRON || '* * * * *';
  if (!isCronExpression(sweepCron)) {
    throw new ConfigError('not a valid cron expression (five fields: minute hour day month weekday, e.g. "*/5 * * * *")', 'PARLEY_SWEEP_CRON');
  }
  const logLevel = env.LOG_LEVEL || 'info';
  if (!LOG_LEVELS.includes(logLevel)) throw new ConfigError(`not a log level; use one of ${LOG_LEVELS.join(', ')}`, 'LOG_LEVEL');
  const host = env.HOST || '0.0.0.0';
  const exportRunner = (env.PARLEY_EXPORT_RUNNER || 'process') as ExportRunner;
  if (!EXPORT_RUNNERS.includes(exportRunner)) throw new ConfigError(`must be one of ${EXPORT_RUNNERS.join(', ')}`, 'PARLEY_EXPORT_RUNNER');
  return Object.freeze({
    port,
    host,
    databaseUrl,
    dataDir: path.resolve(env.PARLEY_DATA_DIR || '.parley'),
    masterKey: env.PARLEY_MASTER_KEY || undefined,
    previousMasterKeys: Object.freeze((env.PARLEY_PREVIOUS_MASTER_KEYS ?? '').split(/[\s,]+/).filter((key) => key !== '')),
    sweepCron,
    sweepBatchSize: integer(env, 'PARLEY_SWEEP_BATCH', 5000, 1, 1_000_000),
    exportLeaseMs: integer(env, 'PARLEY_EXPORT_LEASE_MS', 120_000, 1_000, 86_400_000),
    exportFileDays: integer(env, 'PARLEY_EXPORT_FILE_DAYS', 30, 0, 36_500),
    publicUrl: env.PARLEY_PUBLIC_URL ? env.PARLEY_PUBLIC_URL.replace(/\/$/, '') : port === 0 ? undefined : `http://localhost:${port}`,
    logLevel,
    handshakesPerIpPerMinute: integer(env, 'PARLEY_HANDSHAKES_PER_IP_PER_MINUTE', 60, 1, 1_000_000),
    filesPerIpPerMinute: integer(env, 'PARLEY_FILES_PER_IP_PER_MINUTE', 20, 1, 1_000_000),
    filesInFlight: integer(env, 'PARLEY_FILES_IN_FLIGHT', 8, 1, 10_000),
    trustProxyHops: integer(env, 'PARLEY_TRUST_PROXY_HOPS', 0, 0, 10),
    webhooks: Object.freeze({
      allowPrivate: boolean(env, 'PARLEY_WEBHOOKS_ALLOW_PRIVATE'),
      retryDelaySeconds: integer(env, 'PARLEY_WEBHOOK_RETRY_DELAY_SECONDS', 30, 1, 3600),
      maxAttempts: integer(env, 'PARLEY_WEBHOOK_MAX_ATTEMPTS', 8, 1, 20),
      timeoutMs: integer(env, 'PARLEY_WEBHOOK_TIMEOUT_MS', 10_000, 100, 60_000),
      drainIntervalMs: integer(env, 'PARLEY_WEBHOOK_DRAIN_MS', 1_000, 50, 60_000),
      concurrency: integer(env, 'PARLEY_WEBHOOK_CONCURRENCY', 8, 1, 64),
    }),
    mailConcurrency: integer(env, 'PARLEY_MAIL_CONCURRENCY', 4, 1, 64),
    statementCache: integer(env, 'PARLEY_STATEMENT_CACHE', DEFAULT_STATEMENT_CACHE, 0, 10_000),
    groupCommit: integer(env, 'PARLEY_GROUP_COMMIT', DEFAULT_GROUP_COMMIT.groupsInFlight, 0, 64),
    chatEntryCache: integer(env, 'PARLEY_CHAT_ENTRY_CACHE', 10_000, 0, 1_000_000),
    codeUploadMaxLines: integer(env, 'PARLEY_CODE_UPLOAD_MAX_LINES', 1_000_000, 1, 100_000_000),
    exportRunner,
    exportNice: integer(env, 'PARLEY_EXPORT_NICE', 10, 0, 19),
    exportConcurrency: integer(env, 'PARLEY_EXPORT_CONCURRENCY', defaultExportConcurrency(), 1, 64),
    exportProcessIdleMs: integer(env, 'PARLEY_EXPORT_PROCESS_IDLE_MS', 60_000, 0, 3_600_000),
  });
}
