import path from 'node:path';
import type { Clock } from '../../core/clock.js';
import type { Logger } from '../../core/logger.js';
import type { ModuleRegistry } from '../../core/module-registry.js';
import { executeRun, type RunnerDeps, type RunOutcome } from './export-runner.js';
import { dueOccurrence, type Trigger } from '../triggers/trigger.js';
import { listTriggeredExports, type ExportRecordRow } from '../../storage/export-repository.js';
import { getRun, listAbandonedRuns, listOrphanedQueuedRuns, queueRun, type ExportRun, type RunSelection } from '../../storage/export-run-repository.js';
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
 * Export runs as pg-boss jobs: payloads hold ids only. A minute tick turns due trigger
 * occurrences into runs, at most one per occurrence across every process (a unique key per
 * export and occurrence); failed runs are retried with backoff, then end failed.
 */
export class ExportJobs {
  /** Told each run's outcome (metrics). */
  onOutcome: ((outcome: RunOutcome) => void) | undefined;

  constructor(private readonly storage: Storage, private readonly deps: RunnerDeps & { clock: Clock }) {}

  /** Where local deliveries are kept. */
  get localRoot(): string {
    return this.deps.localRoot;
  }

  /**
   * Starts the run worker and the minute tick, and queues again the runs a dead worker left
   * behind. Each tick occurrence is served once (a duplicate or late fire is a no-op) and looks
   * for due triggers as of its own instant.
   */
  async start(options: { tickCron?: string } = {}): Promise<void> {
    await this.storage.jobs.work<RunJob>('export-run', async (job) => {
      await this.runNow(job.data.runId, job.data.asOf ? new Date(job.data.asOf) : null);
    });
    await workEachOccurrence(this.storage, 'export-tick', options.tickCron ?? '* * * * *', this.deps.logger, async (occurrence) => {
      await this.tick(occurrence);
      await this.rescue(this.deps.clock.now());
    });
    await this.rescue(this.deps.clock.now());
  }

  /**
   * Queues a job for each run left without a live one: a run whose worker died mid-run (its
   * lease ran out unrenewed; the dead worker's own job stays taken until pg-boss expires it,
   * far later), and a run left `queued` by a process that died before sending its job. Claiming
   * stays exclusive, so an extra job for one run is skipped. Returns the runs queued.
   */
  async rescue(now: Date): Promise<string[]> {
    const abandoned = await listAbandonedRuns(this.storage, now);
    const orphaned = await listOrphanedQueuedRuns(this.storage, this.storage.jobs.schema, new Date(now.getTime() - ORPHAN_GRACE_MS));
    const runIds = [...abandoned, ...orphaned];
    // A job without `asOf` is enough: a run queued for an occurrence keeps its instant as its cutoff.
    for (const runId of runIds) await this.storage.jobs.send('export-run', { runId } satisfies RunJob);
    if (orphaned.length > 0) this.deps.logger.warn({ runIds: orphaned }, 'queued export runs without a job sent again');
    return runIds;
  }

  /**
   * Queues a run of an export and its job; undefined when that occurrence already has a run.
   * `selection` fixes the participants it exports (a manual run's window).
   */
  async enqueue(row: Pick<ExportRecordRow, 'id' | 'workspaceId' | 'version'>, trigger: string, occurrence?: { key: string; at: Date }, selection?: RunSelection): Promise<ExportRun | undefined> {
    const run = await queueRun(this.storage, { exportId: row.id, workspaceId: row.workspaceId, trigger, occurrenceKey: occurrence?.key, definitionVersion: row.version, asOf: occurrence?.at, ...(selection && { selection }) });
    if (run) await this.storage.jobs.send('export-run', { runId: run.id, ...(occurrence && { asOf: occurrence.at.toISOString() }) } satisfies RunJob);
    return run;
  }

  /** Runs one queued run in this process; a retryable failure is queued again with backoff. */
  async runNow(runId: string, asOf: Date | null): Promise<void> {
    const outcome = await executeRun(this.deps, runId, asOf);
    this.onOutcome?.(outcome);
    if (outcome !== 'retry') return;
    const run = await getRun(this.storage, runId);
    const delayMs = 30_000 * 2 ** Math.max(0, (run?.attempts ?? 1) - 1);
    await this.storage.jobs.send('export-run', { runId, ...(asOf && { asOf: asOf.toISOString() }) } satisfies RunJob, {
      startAfter: new Date(Date.now() + delayMs),
    });
  }

  /** Queues the runs of every time trigger due at `now` (each occurrence once). */
  async tick(now: Date): Promise<ExportRun[]> {
    const queued: ExportRun[] = [];
    for (const row of await listTriggeredExports(this.storage, TIME_TRIGGERS)) {
      const trigger = row.definition.trigger as Trigger;
      const occurrence = dueOccurrence(trigger, now, row.timeZone, row.createdAt);
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
  return { storage, registry, localRoot: path.join(options.dataDir, 'exports'), logger: options.logger, clock: options.clock, ...(options.leaseMs !== undefined && { leaseMs: options.leaseMs }) };
}
