import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestStorage, type TestStorage } from '../../support/test-database.js';
import { waitUntil } from '../../support/wait-until.js';
import { JobQueue, type QueuedJob } from '../../../storage/job-queue.js';

/**
 * pg-boss's worker waits out its polling interval after every fetch, a job or none. The workers
 * here poll every two minutes, so each test fails (waiting a minute at most) unless the queue
 * hands jobs over without waiting for that interval.
 */
const POLLING = { pollingIntervalSeconds: 120 };
const WAIT = { timeoutMs: 60_000 };

let storage: TestStorage;
beforeEach(async () => {
  storage = await createTestStorage();
});
afterEach(async () => storage.destroy());

/** A handler that records the jobs it handled (their `n`) and holds job 0 until `release`. */
function firstJobHangs(): { handle: (job: QueuedJob<{ n: number }>) => Promise<void>; handled: number[]; release: () => void } {
  let release!: () => void;
  const hanging = new Promise<void>((resolve) => (release = resolve));
  const handled: number[] = [];
  const handle = async (job: QueuedJob<{ n: number }>) => {
    if (job.data.n === 0) await hanging;
    handled.push(job.data.n);
  };
  return { handle, handled, release };
}

describe('job queue', () => {
  it('drains a backlog one job after the other, not one job per polling interval', async () => {
    for (let n = 0; n < 5; n += 1) await storage.jobs.send('webhook-delivery', { n });
    const handled: number[] = [];
    await storage.jobs.work<{ n: number }>('webhook-delivery', async (job) => void handled.push(job.data.n), POLLING);
    await waitUntil(() => handled.length === 5, { what: 'five queued jobs to be handled', ...WAIT, describe: () => `${handled.length} handled` });
    expect([...handled].sort()).toEqual([0, 1, 2, 3, 4]);
  }, 90_000);

  it('starts a job sent from this process on an idle worker at once', async () => {
    const handled: string[] = [];
    await storage.jobs.work<{ name: string }>('consent-mail', async (job) => void handled.push(job.data.name), POLLING);
    // The worker's first look at the queue (empty) is over once its size can be read; it then sleeps.
    await waitUntil(async () => (await storage.jobs.size('consent-mail')) === 0, { what: 'the queue to be read' });
    await new Promise((resolve) => setTimeout(resolve, 500));
    await storage.jobs.send('consent-mail', { name: 'first' });
    await waitUntil(() => handled.length === 1, { what: 'the job to be handled', ...WAIT });
    await storage.jobs.send('consent-mail', { name: 'second' });
    await waitUntil(() => handled.length === 2, { what: 'the second job to be handled', ...WAIT });
    expect(handled).toEqual(['first', 'second']);
  }, 150_000);

  it('runs jobs side by side on several workers: one that hangs holds up none of the others', async () => {
    const { handle, handled, release } = firstJobHangs();
    await storage.jobs.work<{ n: number }>('webhook-delivery', handle, { ...POLLING, workers: 2 });
    for (let n = 0; n < 4; n += 1) await storage.jobs.send('webhook-delivery', { n });
    await waitUntil(() => handled.length === 3, { what: 'the three jobs behind the hanging one', ...WAIT, describe: () => `${handled.length} handled` });
    expect(handled.sort()).toEqual([1, 2, 3]);
    release();
    await waitUntil(() => handled.length === 4, { what: 'the hanging job to end', ...WAIT });
  }, 150_000);

  it("wakes a second worker when the first takes a job another process sent, whose queue may hold more", async () => {
    // The first worker polls every second; the second only every 30 s unless woken.
    const { handle, handled, release } = firstJobHangs();
    await storage.jobs.work<{ n: number }>('webhook-delivery', handle, { pollingIntervalSeconds: 1, workers: 2 });
    const other = new JobQueue({ connectionString: storage.database.connectionString, schedule: false });
    await other.start();
    try {
      for (let n = 0; n < 4; n += 1) await other.send('webhook-delivery', { n });
      await waitUntil(() => handled.length === 3, { what: 'the three jobs behind the hanging one', timeoutMs: 20_000, describe: () => `${handled.length} handled` });
      expect(handled.sort()).toEqual([1, 2, 3]);
    } finally {
      release();
      await other.stop();
    }
  }, 60_000);
});
