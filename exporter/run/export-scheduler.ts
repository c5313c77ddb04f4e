import type { Clock } from '../../core/clock.js';
import type { Logger } from '../../core/logger.js';
import type { ModuleRegistry } from '../../core/module-registry.js';
import { executeRun, type RunnerDeps, type RunOutcome } from './export-runner.js';
import { localExportRoot } from '../destinations/local-config.js';
import { queueManualRun, type RequestedWindow } from './manual-window.js';
import { storedDefinition } from '../definition/stored-definition.js';
import type { LoadedExport } from '../export-service.js';
import { dueOccurrence } from '../triggers/trigger.js';
import { listTriggeredExports, type ExportRecordRow } from '../../storage/export-repository.js';
import { listAbandonedRuns, listOrphanedQueuedRuns, queueRun, type ExportRun } from '../../storage/export-run-repository.js';
import type { JobOutcome, SendOptions } from '../../storage/job-queue.js';
import { workEachOccurrence } from '../../storage/occurrence-worker.js';
import type { Storage } from '../../storage/storage.js';

interface RunJob {
  readonly runId: string;
  /** The occurrence instant a scheduled run is "as of" (ISO); absent: now. */
  readonly asOf?: string;
}

const TIME_TRIGGERS = ['daily', 'weekly', 'scheduled'] as const;
/** A queued run without a job this long after it was queued lost its job (its process died before sending it). */
const ORPHAN_GRACE_MS = 60_000;

/**
 * How pg-boss retries a run's job that failed retryably: after about 30 s, 60 s, 120 s … (doubled
 * each time, with jitter). The run's own attempt count (`RunnerDeps.maxAttempts`) decides when a
 * failure is final; the job's limit leaves room for deliveries that were skipped (a redelivered
 * job whose run another worker holds). A job that runs out of retries while its run is still
 * queued is sent again by `rescue`.
 *
 * A job is never expired while its run goes on (`expireInSeconds`, under pg-boss's 24-hour
 * bound): pg-boss fails a job whose handler outlives its expiry (15 minutes unless told) and
 * its worker then takes the next job while the first still runs, so a run longer than that would
 * have run beside one more run than `PARLEY_EXPORT_CONCURRENCY` allows, and its job been retried
 * for nothing. A run whose worker dies is found by its lease instead (`rescue`).
 */
export const RUN_JOB_RETRY: Readonly<SendOptions> = Object.freeze({ retryLimit: 5, retryDelay: 30, retryBackoff: true, expireInSeconds: 23 * 3600 });

/**
 * Export runs as pg-boss jobs: payloads hold ids only. A minute tick turns due trigger
 * occurrences into runs, at most one per occurrence across every process (a unique key per
 * export and occurrence); an export saved with an immediate trigger runs at once, one read from
 * a flow runs when the flow closes. Failed runs are retried by pg-boss with backoff
 * (`RUN_JOB_RETRY`), then end failed.
 */
export class ExportJobs {
  /** Told each run's outcome (metrics). */
  onOutcome: ((outcome: RunOutcome) => void) | undefined;

  /**
   * `runRun` executes a run (`executeRun` in this process by default; the server may run each in
   * a process of its own, see runtime/export-process).
   */
  constructor(
    private readonly storage: Storage,
    private readonly deps: RunnerDeps & { clock: Clock },
    private readonly runRun: (runId: string, asOf: Date | null) => Promise<RunOutcome> = (runId, asOf) => executeRun(deps, runId, asOf),
  ) {}

  /** Where local deliveries are kept. */
  get localRoot(): string {
    return this.deps.localRoot;
  }

  /**
   * Starts the run workers (`concurrency` of them, default 1: runs this process runs at once) and
   * the minute tick, and queues again the runs a dead worker left behind. Each tick occurrence is
   * served once (a duplicate or late fire is a no-op) and looks for due triggers as of its own instant.
   */
  async start(options: { tickCron?: string; concurrency?: number } = {}): Promise<void> {
    await this.storage.jobs.work<RunJob>('export-run', (job) => this.runNow(job.data.runId, job.data.asOf ? new Date(job.data.asOf) : null), { workers: options.concurrency ?? 1 });
    await workEachOccurrence(this.storage, 'export-tick', options.tickCron ?? '* * * * *', this.deps.logger, async (occurrence) => {
      await this.tick(occurrence);
      await this.rescue(this.deps.clock.now());
    });
    await this.rescue(this.deps.clock.now());
  }

  /**
   * Queues a job for each run left without a live one: a run whose worker died mid-run (its
   * lease ran out unrenewed; the dead worker's own job stays taken until pg-boss expires it,
   * far later), and a run left `queued` by a process that died before sending its job (or whose
   * job ran out of retries). Claiming stays exclusive, so an extra job for one run is skipped.
   * Returns the runs queued.
   */
  async rescue(now: Date): Promise<string[]> {
    const abandoned = await listAbandonedRuns(this.storage, now);
    const orphaned = await listOrphanedQueuedRuns(this.storage, this.storage.jobs.schema, new Date(now.getTime() - ORPHAN_GRACE_MS));
    const runIds = [...abandoned, ...orphaned];
    // A job without `asOf` is enough: a run queued for an occurrence keeps its instant as its cutoff.
    for (const runId of runIds) await this.#send({ runId });
    if (orphaned.length > 0) this.deps.logger.warn({ runIds: orphaned }, 'queued export runs without a job sent again');
    return runIds;
  }

  /** Queues a run of an export and its job; undefined when that occurrence already has a run. */
  async enqueue(row: Pick<ExportRecordRow, 'id' | 'workspaceId' | 'version'>, trigger: string, occurrence?: { key: string; at: Date }): Promise<ExportRun | undefined> {
    const run = await queueRun(this.storage, { exportId: row.id, workspaceId: row.workspaceId, trigger, occurrenceKey: occurrence?.key, definitionVersion: row.version, asOf: occurrence?.at });
    if (run) await this.#send({ runId: run.id, ...(occurrence && { asOf: occurrence.at.toISOString() }) });
    return run;
  }

  /** Queues a manual run and its job, exporting `requested` or the window the trigger would use next. */
  async enqueueManual(loaded: LoadedExport, requested?: RequestedWindow): Promise<ExportRun> {
    const run = await queueManualRun(this.storage, loaded, requested);
    await this.#send({ runId: run.id });
    return run;
  }

  /** Told of every saved (created or replaced) export: one triggered `immediate` runs now. */
  async exportSaved(row: ExportRecordRow): Promise<void> {
    if (storedDefinition(row).trigger?.type === 'immediate') await this.enqueue(row, 'immediate');
  }

  /**
   * Runs one queued run (through `runRun`). A retryable failure answers `'retry'`: pg-boss then
   * retries the job after its backoff (`RUN_JOB_RETRY`).
   */
  async runNow(runId: string, asOf: Date | null): Promise<JobOutcome> {
    const outcome = await this.runRun(runId, asOf);
    this.onOutcome?.(outcome);
    return outcome === 'retry' ? 'retry' : undefined;
  }

  async #send(job: RunJob): Promise<void> {
    await this.storage.jobs.send('export-run', job, RUN_JOB_RETRY);
  }

  /** Queues the runs of every time trigger due at `now` (each occurrence once). */
  async tick(now: Date): Promise<ExportRun[]> {
    const queued: ExportRun[] = [];
    for (const row of await listTriggeredExports(this.storage, TIME_TRIGGERS)) {
      const trigger = storedDefinition(row).trigger;
      const occurrence = trigger && dueOccurrence(trigger, now, row.timeZone, row.createdAt);
      if (!occurrence) continue;
      const run = await this.enqueue(row, trigger.type, occurrence);
      if (run) queued.push(run);
    }
    return queued;
  }

  /** Queues the runs of exports triggered by a flow's closure. */
  async flowClosed(workspaceId: string, slug: string): Promise<void> {
    for (const row of await listTriggeredExports(this.storage, ['closure'], { workspaceId, slug })) {
      await this.enqueue(row, 'closure', { key: `closure:${slug}`, at: this.deps.clock.now() });
    }
  }
}

export function exportRunnerDeps(storage: Storage, registry: ModuleRegistry, options: { dataDir: string; logger: Logger; clock: Clock; leaseMs?: number }): RunnerDeps & { clock: Clock } {
  return { storage, registry, localRoot: localExportRoot(options.dataDir), logger: options.logger, clock: options.clock, ...(options.leaseMs !== undefined && { leaseMs: options.leaseMs }) };
}
