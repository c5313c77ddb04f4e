import type { Logger } from '../core/logger.js';
import { claimOccurrence, jobOccurrence, type OccurrenceJob } from './cron-occurrences.js';
import type { QueueName } from './job-queue.js';
import type { Storage } from './storage.js';

/**
 * Runs `handler` exactly once per occurrence of a cron job, whatever pg-boss does: every
 * process may schedule the cron and work the queue; each job resolves the occurrence it serves
 * (named in its payload, else the latest one at or before its creation) and claims it in the
 * database first, so a duplicate fire, a second worker or a late job of an occurrence already
 * served is a no-op. The claim comes first: an occurrence whose handler fails is not run again
 * (a retry of its job is a no-op too); the next occurrence picks up the work, which suits
 * idempotent catch-up jobs like the sweep and the export tick. The cron is (re)declared last,
 * once the worker is ready.
 *
 * @example
 * await workEachOccurrence(storage, 'sweep', '*\/5 * * * *', logger, (occurrence) => sweep(occurrence));
 */
export async function workEachOccurrence(storage: Storage, queue: QueueName, cron: string, logger: Logger, handler: (occurrence: Date) => Promise<void>): Promise<void> {
  await storage.jobs.work<OccurrenceJob>(queue, async (job) => {
    const occurrence = jobOccurrence(cron, job);
    if (!(await claimOccurrence(storage.db, queue, occurrence))) {
      logger.info({ queue, occurrence: occurrence.toISOString(), jobId: job.id }, 'cron occurrence already served');
      return;
    }
    await handler(occurrence);
  });
  await storage.jobs.schedule(queue, cron);
}

/** Queues the job of one named occurrence (ids and instants only); its instant is its singleton key. */
export async function sendOccurrence(storage: Storage, queue: QueueName, occurrence: Date): Promise<void> {
  const instant = occurrence.toISOString();
  await storage.jobs.send(queue, { occurrence: instant } satisfies OccurrenceJob, { singletonKey: instant });
}
