import PgBoss from 'pg-boss';
import { EventEmitter } from 'node:events';
import { ParleyError } from '../core/errors.js';

/** Every queue Parley uses. All are created at start-up: pg-boss drops sends to unknown queues. */
export const QUEUES = ['sweep', 'consent-mail', 'export-run', 'export-tick', 'flow-close', 'webhook-delivery'] as const;
export type QueueName = (typeof QUEUES)[number];

/** How often a queue's workers beyond its first poll when idle (they are woken when jobs come): seconds. */
const HELPER_POLLING_SECONDS = 30;

/** pg-boss's own send options, as Parley uses them. */
export interface SendOptions {
  /** The job's id (a UUID): a second send with the same id while the job exists is a duplicate. */
  id?: string;
  /** At most one job of this key waits in the queue (a duplicate send returns null). */
  singletonKey?: string;
  /** Retries after the first delivery fails (pg-boss's default: 2). */
  retryLimit?: number;
  /** Seconds before a retry; with `retryBackoff`, the base of an exponential, jittered delay. */
  retryDelay?: number;
  retryBackoff?: boolean;
  /** How long one delivery may run before pg-boss fails it (and retries it, if retries are left). */
  expireInSeconds?: number;
}

/**
 * What a job handler answers: nothing when the job is done, `'retry'` to hand it back to pg-boss,
 * which retries it under the job's own retry options (`retryLimit`, `retryDelay`, `retryBackoff`)
 * and fails it for good once they are spent.
 */
export type JobOutcome = void | 'retry';

/** The failure pg-boss records for a job its handler handed back; it carries nothing of the job's data. */
class RetryRequested extends Error {
  constructor(queue: QueueName) {
    super(`The ${queue} handler asked for a retry`);
    this.name = 'RetryRequested';
  }
}

export interface QueuedJob<T> {
  readonly id: string;
  readonly data: T;
  /** When pg-boss created the job (for a cron job: when its occurrence fired). */
  readonly createdOn: Date;
}

/**
 * The job queue (pg-boss) behind one small interface. Payloads hold ids only, never personal
 * data. Background errors are emitted as `error` events, never thrown into the process.
 */
export class JobQueue extends EventEmitter {
  readonly #boss: PgBoss;
  readonly #schema: string;
  /** This process's workers of each queue, whether each is handling a job now, and the next to wake. */
  readonly #workers = new Map<QueueName, { all: Array<{ id: string; busy: boolean }>; next: number }>();
  #started = false;

  constructor(options: { connectionString: string; schema?: string; max?: number; schedule?: boolean }) {
    super();
    this.#schema = options.schema ?? 'pgboss';
    this.#boss = new PgBoss({
      connectionString: options.connectionString,
      schema: this.#schema,
      max: options.max ?? 4,
      schedule: options.schedule ?? true,
      application_name: 'parley-jobs',
    });
    this.#boss.on('error', (error) => this.emit('error', error));
  }

  /** Starts pg-boss (installing its schema on first use) and creates every queue. */
  async start(): Promise<void> {
    await this.#boss.start();
    for (const name of QUEUES) {
      if (!(await this.#boss.getQueue(name))) await this.#boss.createQueue(name, { name });
    }
    this.#started = true;
  }

  async stop(options: { graceful?: boolean; timeoutMs?: number } = {}): Promise<void> {
    if (!this.#started) return;
    this.#started = false;
    await this.#boss.stop({ graceful: options.graceful ?? true, timeout: options.timeoutMs ?? 10_000, wait: true });
  }

  /**
   * Queues a job. A job pg-boss did not accept (null id) is an error — pg-boss answers null for
   * a queue that was never created — except a singleton duplicate or a job id sent twice, which return null.
   */
  async send<T extends object>(queue: QueueName, data: T, options: SendOptions = {}): Promise<string | null> {
    const id = await this.#boss.send(queue, data, options);
    if (id === null && ((options.singletonKey === undefined && options.id === undefined) || !(await this.#boss.getQueue(queue)))) {
      throw new ParleyError('queue_failed', `Queue ${queue} did not accept the job`);
    }
    if (id !== null) this.#wakeOne(queue);
    return id;
  }

  /**
   * Runs `handler` for each job of a queue (pg-boss hands jobs over in arrays, one at a time
   * here). A handler that answers `'retry'` fails the job, so pg-boss retries it as its send
   * options say. `workers`: jobs of the queue this process runs at once (default 1), each worker
   * fetching on its own (pg-boss 10 has no concurrency option: a worker takes one batch at a time).
   *
   * pg-boss's worker waits out its polling interval after every fetch, a job or none, so a
   * backlog drained at one job per interval (a burst of 30 webhook deliveries took 30 s). Here a
   * worker that has handled a job looks for the next at once; one that takes a job wakes an idle
   * worker of the queue (the queue may hold more); a job sent from this process wakes one too. The
   * first worker polls every `pollingIntervalSeconds` (default 2) for jobs nothing announced
   * (retries coming due, jobs other processes sent); the others, woken that way, poll only every
   * `HELPER_POLLING_SECONDS`, so that an idle process asks the database no more often than with one.
   *
   * A handler that outlives its job's expiry (`expireInSeconds`) keeps running: pg-boss fails that
   * job (to be retried) and the worker takes the next beside it, so the queue goes on one handler
   * over `workers` rather than stall behind a stuck one (a worker that waited would take jobs only
   * to see them expire). Each queue therefore sets an expiry above what its handlers take: export
   * runs 23 hours (and a run's lease keeps a second delivery from running it), webhook deliveries
   * their timeout and a minute, confirmation mails 120 s against the SMTP client's timeouts.
   */
  async work<T>(queue: QueueName, handler: (job: QueuedJob<T>) => Promise<JobOutcome>, options: { pollingIntervalSeconds?: number; workers?: number } = {}): Promise<void> {
    const workers = this.#workers.get(queue) ?? { all: [], next: 0 };
    this.#workers.set(queue, workers);
    const polling = options.pollingIntervalSeconds ?? 2;
    for (let n = 0; n < (options.workers ?? 1); n += 1) {
      const worker = { id: '', busy: false };
      const pollingIntervalSeconds = n === 0 ? polling : Math.max(polling, HELPER_POLLING_SECONDS);
      worker.id = await this.#boss.work<T>(queue, { pollingIntervalSeconds, includeMetadata: true }, async (jobs) => {
        worker.busy = true;
        this.#wakeOne(queue);
        try {
          for (const job of jobs) {
            if ((await handler({ id: job.id, data: job.data, createdOn: job.createdOn })) === 'retry') throw new RetryRequested(queue);
          }
        } finally {
          worker.busy = false;
          // Looks again at once, this batch settled: the queue may hold more.
          if (worker.id) this.#boss.notifyWorker(worker.id);
        }
      });
      workers.all.push(worker);
    }
  }

  /**
   * Wakes one idle worker of this process for `queue`, if it has one: in turn, so that jobs sent
   * one after the other wake different workers (one woken an instant ago may still be fetching).
   */
  #wakeOne(queue: QueueName): void {
    const workers = this.#workers.get(queue);
    if (!workers) return;
    for (let tried = 0; tried < workers.all.length; tried += 1) {
      const worker = workers.all[workers.next]!;
      workers.next = (workers.next + 1) % workers.all.length;
      if (!worker.busy && worker.id) return this.#boss.notifyWorker(worker.id);
    }
  }

  /** (Re)declares a cron schedule; idempotent, so every process may call it at boot. */
  async schedule(queue: QueueName, cron: string, data: object = {}, options: { tz?: string } = {}): Promise<void> {
    await this.#boss.schedule(queue, cron, data, options);
  }

  /** The schema pg-boss keeps its tables in. */
  get schema(): string {
    return this.#schema;
  }

  /** Jobs waiting in a queue (created or retrying). */
  async size(queue: QueueName): Promise<number> {
    return this.#boss.getQueueSize(queue);
  }

  /** True when pg-boss answers from the database. */
  async ping(): Promise<boolean> {
    if (!this.#started) return false;
    try {
      await this.#boss.getQueue(QUEUES[0]);
      return true;
    } catch {
      return false;
    }
  }
}
