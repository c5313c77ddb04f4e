import { spawn, type ChildProcess } from 'node:child_process';
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
  readonly previousMasterKeys: readonly string[];
  /** Where local deliveries are kept. */
  readonly localRoot: string;
  readonly leaseMs: number;
  readonly logLevel: string;
  readonly logger: Logger;
  /** The run's process's niceness (0–19): above 0, the chat's process gets the CPU first when both want it. */
  readonly nice: number;
  /** How long a run's process waits for the next run before it ends (0: it ends with its run). */
  readonly idleMs: number;
}

type Claimed = Extract<RunReport, { type: 'claimed' }>;
type Done = Extract<RunReport, { type: 'done' }>;
type Ended = { code: number | null; signal: NodeJS.Signals | null; error?: Error };

/** A process is let go once it has run this many runs, bounding what any slow leak could add up to. */
const RUNS_PER_PROCESS = 100;
/** A process whose RSS stays above this after a run is let go rather than kept for the next (#17's bound on a run's memory). */
const KEEP_BELOW_RSS_MB = 200;

/** One run process of the server: started for a run, kept for the next ones while it idles less than `idleMs`. */
class RunProcess {
  readonly child: ChildProcess;
  /** Once the process has exited and its IPC channel has delivered everything. */
  readonly ended: Promise<Ended>;
  runs = 0;
  #idle: NodeJS.Timeout | undefined;
  #retired = false;
  #listener: ((message: RunReport) => void) | undefined;

  constructor(nice: number) {
    const node = [process.execPath, ...LOADER, ...EXPORT_NODE_FLAGS, CHILD_ENTRY];
    // Through nice(1), so that every thread of the process (V8's and libuv's too) has its niceness from the start.
    const [command, ...args] = nice > 0 ? ['nice', '-n', String(nice), ...node] : node;
    this.child = spawn(command!, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'json' });
    this.child.on('message', (message: RunReport) => this.#listener?.(message));
    this.ended = new Promise<Ended>((resolve) => {
      this.child.once('close', (code, signal) => resolve({ code, signal }));
      // A process whose channel this side closed gets no 'close' (Node waits for the channel's end from the other side).
      this.child.once('exit', (code, signal) => this.#retired && resolve({ code, signal }));
      this.child.once('error', (error) => {
        this.child.kill('SIGKILL');
        resolve({ code: null, signal: null, error });
      });
    });
  }

  /** Sends it a run; `listener` hears that run's reports. */
  start(request: RunRequest, listener: (message: RunReport) => void): void {
    clearTimeout(this.#idle);
    this.#listener = listener;
    this.child.send(request, (error) => error && this.child.kill('SIGKILL'));
  }

  /** Waits for the next run; `expire` lets it go after `idleMs` without one. */
  idle(idleMs: number, expire: () => void): void {
    this.#listener = undefined;
    this.#idle = setTimeout(expire, idleMs);
    this.#idle.unref();
  }

  /** Lets it go: it exits once its IPC channel closes. */
  retire(): void {
    clearTimeout(this.#idle);
    this.#retired = true;
    if (this.child.connected) this.child.disconnect();
  }
}

/**
 * Runs export runs in Node processes of their own instead of the server's. A run's memory is its
 * process's (its peak RSS that of `parley export run`, with the CLI's V8 flags), and its CPU,
 * garbage collections and failures stay off the event loop that serves the chat; at a niceness
 * above 0 (`nice`), the chat gets the CPU first when both want it. The process claims, streams
 * and records each run exactly as in-process; it reports its claim and its outcome back. A
 * process that dies before its outcome (killed, out of memory) has its claimed run recorded
 * failed by the server, retried like a retryable failure (`MAX_ATTEMPTS`); one stopped with the
 * server goes back to the queue at once.
 *
 * A process is kept after its run for the next one (`idleMs`, 0: a process per run), up to
 * `RUNS_PER_PROCESS` runs and while its RSS stays under `KEEP_BELOW_RSS_MB`: starting one costs
 * about a second of CPU (Node, the modules, the storage), which a small export's run does not.
 */
export class ExportRunProcesses {
  readonly #running = new Set<{ kill(): void; finished: Promise<void> }>();
  readonly #idle: RunProcess[] = [];
  #stopping = false;

  constructor(private readonly storage: StoreContext, private readonly options: ExportProcessOptions) {}

  /** Runs one queued run in a run process; resolves with its outcome once that process has reported it or ended. */
  readonly run = async (runId: string, asOf: Date | null): Promise<RunOutcome> => {
    const { logger } = this.options;
    if (this.#stopping) return 'retry';
    const runner = this.#takeIdle() ?? new RunProcess(this.options.nice);
    const { child } = runner;
    let claimed: Claimed | undefined;
    let reported!: (done: Done) => void;
    const done = new Promise<Done>((resolve) => (reported = resolve));
    let finish!: () => void;
    const handle = { kill: () => child.kill('SIGTERM'), finished: new Promise<void>((resolve) => (finish = resolve)) };
    this.#running.add(handle);
    try {
      const request: RunRequest = { runId, asOf: asOf?.toISOString() ?? null, ...this.#connection() };
      runner.start(request, (message) => (message.type === 'claimed' ? (claimed = message) : reported(message)));
      const outcome = await Promise.race([done, runner.ended]);
      if ('outcome' in outcome) {
        runner.runs += 1;
        logger.info({ runId, outcome: outcome.outcome, maxRssMb: Math.round(outcome.maxRssMb), rssMb: Math.round(outcome.rssMb), pid: child.pid, runs: runner.runs }, 'export run ended in its process');
        this.#keep(runner, outcome);
        return outcome.outcome;
      }
      const end = outcome;
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

  /** Ends every run's process, running or idle, and waits until each running run has been recorded; no run starts afterwards. */
  async stop(): Promise<void> {
    this.#stopping = true;
    const idle = this.#idle.splice(0);
    for (const runner of idle) runner.retire();
    const handles = [...this.#running];
    for (const handle of handles) handle.kill();
    await Promise.all([...handles.map((handle) => handle.finished), ...idle.map((runner) => runner.ended)]);
  }

  /** The process that idled last, if one still waits (one that went away meanwhile is dropped). */
  #takeIdle(): RunProcess | undefined {
    for (let runner = this.#idle.pop(); runner; runner = this.#idle.pop()) {
      if (runner.child.connected) return runner;
      runner.retire();
    }
    return undefined;
  }

  /** Keeps a process that reported its run for the next one, or lets it go. */
  #keep(runner: RunProcess, done: Done): void {
    const { idleMs } = this.options;
    if (this.#stopping || idleMs === 0 || runner.runs >= RUNS_PER_PROCESS || done.rssMb >= KEEP_BELOW_RSS_MB || !runner.child.connected) {
      runner.retire();
      return;
    }
    this.#idle.push(runner);
    // One that dies while idle stays listed until then or until taken: `#takeIdle` skips it.
    runner.idle(idleMs, () => {
      this.#idle.splice(this.#idle.indexOf(runner), 1);
      runner.retire();
    });
  }

  #connection(): Omit<RunRequest, 'runId' | 'asOf'> {
    const { connectionString, masterKey, previousMasterKeys, localRoot, leaseMs, logLevel } = this.options;
    return { connectionString, masterKey, previousMasterKeys, localRoot, leaseMs, logLevel };
  }
}
