import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MAX_ATTEMPTS, type RunOutcome } from '../../exporter/run/export-runner.js';
import { failRun } from '../../storage/export-run-repository.js';
import type { StoreContext } from '../../storage/store-context.js';
import type { Logger } from '../logger.js';
import { EXPORT_NODE_FLAGS, type RunReport, type RunRequest } from './export-run-protocol.js';

const here = fileURLToPath(import.meta.url);
/** The child's entry beside this file: compiled in dist/, or its TypeScript source (through tsx) when the server runs from source. */
const CHILD_ENTRY = path.join(path.dirname(here), `export-run-child${path.extname(here)}`);
const LOADER = path.extname(here) === '.ts' ? ['--import', 'tsx'] : [];

export interface ExportProcessOptions {
  readonly connectionString: string;
  readonly masterKey: string;
  /** Where local deliveries are kept. */
  readonly localRoot: string;
  readonly leaseMs: number;
  readonly logLevel: string;
  readonly logger: Logger;
  /** The run's process's niceness (0–19): above 0, the chat's process gets the CPU first when both want it. */
  readonly nice: number;
}

type Claimed = Extract<RunReport, { type: 'claimed' }>;
type Done = Extract<RunReport, { type: 'done' }>;

/**
 * Runs each export run in a Node process of its own, started for it and ended with it, instead
 * of in the server's. The run's memory is the process's (its peak RSS that of `parley export
 * run`, with the CLI's V8 flags), and its CPU, garbage collections and failures stay off the
 * event loop that serves the chat; at a niceness above 0 (`nice`), the chat gets the CPU first
 * when both want it. The process claims, streams and records the run exactly as in-process; it
 * reports its claim and its outcome back. A process that dies before its outcome (killed, out of
 * memory) has its claimed run recorded failed by the server, retried like a retryable failure
 * (`MAX_ATTEMPTS`); one stopped with the server goes back to the queue at once.
 */
export class ExportRunProcesses {
  readonly #running = new Set<{ kill(): void; finished: Promise<void> }>();
  #stopping = false;

  constructor(private readonly storage: StoreContext, private readonly options: ExportProcessOptions) {}

  /** Runs one queued run in a new process; resolves with its outcome once that process has ended. */
  readonly run = async (runId: string, asOf: Date | null): Promise<RunOutcome> => {
    const { logger } = this.options;
    if (this.#stopping) return 'retry';
    const node = [process.execPath, ...LOADER, ...EXPORT_NODE_FLAGS, CHILD_ENTRY];
    // Through nice(1), so that every thread of the process (V8's and libuv's too) has its niceness from the start.
    const [command, ...args] = this.options.nice > 0 ? ['nice', '-n', String(this.options.nice), ...node] : node;
    const child = spawn(command!, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'json' });
    let claimed: Claimed | undefined;
    let done: Done | undefined;
    child.on('message', (message: RunReport) => {
      if (message.type === 'claimed') claimed = message;
      else done = message;
    });
    // 'close' comes after the process has exited and its IPC channel has delivered everything.
    const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: Error }>((resolve) => {
      child.once('close', (code, signal) => resolve({ code, signal }));
      child.once('error', (error) => {
        child.kill('SIGKILL');
        resolve({ code: null, signal: null, error });
      });
    });
    let finish!: () => void;
    const handle = { kill: () => child.kill('SIGTERM'), finished: new Promise<void>((resolve) => (finish = resolve)) };
    this.#running.add(handle);
    try {
      const request: RunRequest = { runId, asOf: asOf?.toISOString() ?? null, ...this.#connection() };
      child.send(request, (error) => error && child.kill('SIGKILL'));
      const end = await ended;
      if (done) {
        logger.info({ runId, outcome: done.outcome, maxRssMb: Math.round(done.maxRssMb), pid: child.pid }, 'export run process ended');
        return done.outcome;
      }
      const how = end.error ? 'could not start' : end.signal ? `ended by ${end.signal}` : `exited with code ${end.code}`;
      logger.error({ runId, pid: child.pid, how, claimed: claimed !== undefined, ...(end.error && { error: end.error.message }) }, 'export run process ended without an outcome');
      // Not claimed: the run is as it was, and the job is retried.
      if (!claimed) return 'retry';
      const final = !this.#stopping && claimed.attempts >= MAX_ATTEMPTS;
      const reason = this.#stopping ? 'export_failed: the server stopped during the run' : `export_failed: the run's process ${how}`;
      const recorded = await failRun(this.storage, claimed.claim, reason, final).catch(() => false);
      // Not recorded: the lease is no longer this claim's (taken over), or the database is out of reach (the lease will run out).
      if (!recorded) return 'lease_lost';
      return final ? 'failed' : 'retry';
    } finally {
      this.#running.delete(handle);
      finish();
    }
  };

  /** Runs in progress. */
  get running(): number {
    return this.#running.size;
  }

  /** Ends every run's process and waits until each has been recorded; no run starts afterwards. */
  async stop(): Promise<void> {
    this.#stopping = true;
    const handles = [...this.#running];
    for (const handle of handles) handle.kill();
    await Promise.all(handles.map((handle) => handle.finished));
  }

  #connection(): Omit<RunRequest, 'runId' | 'asOf'> {
    const { connectionString, masterKey, localRoot, leaseMs, logLevel } = this.options;
    return { connectionString, masterKey, localRoot, leaseMs, logLevel };
  }
}
