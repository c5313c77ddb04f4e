import { confirmationMail } from './confirmation-mail.js';
import { sendWithdrawalMail } from './withdrawal-mail.js';
import { sendWorkspaceMail, type ConsentMailDeps } from './workspace-mail.js';
import { clearPendingMail, loadPendingMail } from '../../storage/consent-repository.js';
import type { JobQueue, SendOptions } from '../../storage/job-queue.js';
import type { StoreContext } from '../../storage/store-context.js';

/**
 * The `consent-mail` job payload: ids only, never the email or the token. A double opt-in
 * confirmation's mail, or a requested withdrawal link's.
 */
export type ConsentMailJob = { readonly confirmationId: string } | { readonly withdrawalRequestId: string };

export type { ConsentMailDeps } from './workspace-mail.js';

/** Queues jobs (the JobQueue's `send`). */
export type JobSender = Pick<JobQueue, 'send'>;

/** Retries with backoff, for an SMTP server down for a while. */
const RETRY: SendOptions = Object.freeze({ retryLimit: 10, retryDelay: 10, retryBackoff: true, expireInSeconds: 120 });

/** Queues the confirmation mail of one confirmation, or the mail of a requested withdrawal link (ids only in the payload). */
export async function queueConsentMail(jobs: JobSender, job: ConsentMailJob): Promise<void> {
  await jobs.send('consent-mail', job, RETRY);
}

/**
 * Sends the confirmation mail of one confirmation, then erases the sealed token and text.
 * Resolves `skipped` when there is nothing (more) to send; throws (so the job is retried) when
 * the workspace has no mail settings or the SMTP server did not take the mail. Errors it throws
 * carry neither the recipient nor the server's reply, since the queue stores them.
 */
export async function sendConsentMail(ctx: StoreContext, deps: ConsentMailDeps, confirmationId: string): Promise<'sent' | 'skipped'> {
  const pending = await loadPendingMail(ctx, confirmationId);
  if (pending.status === 'missing' || pending.status === 'sent') return 'skipped';
  if (pending.status === 'void') {
    await clearPendingMail(ctx, confirmationId, false);
    return 'skipped';
  }
  await sendWorkspaceMail(ctx, deps, pending.workspaceId, confirmationMail(pending.email, pending.message, deps.publicUrl, pending.token), { ids: { confirmationId }, failure: 'The confirmation mail could not be sent' });
  await clearPendingMail(ctx, confirmationId, true);
  deps.logger.info({ confirmationId }, 'consent mail sent');
  return 'sent';
}

/**
 * Registers the `consent-mail` worker on this process (call once at start-up). A failed job is
 * retried by pg-boss with backoff.
 *
 * @example await registerConsentMailWorker(storage, { publicUrl: config.publicUrl, logger })
 */
export async function registerConsentMailWorker(storage: StoreContext & { readonly jobs: JobQueue }, deps: ConsentMailDeps): Promise<void> {
  await storage.jobs.work<ConsentMailJob>(
    'consent-mail',
    async (job) => {
      const data = (job.data ?? {}) as Partial<Record<'confirmationId' | 'withdrawalRequestId', unknown>>;
      if (typeof data.withdrawalRequestId === 'string') await sendWithdrawalMail(storage, deps, data.withdrawalRequestId);
      else await sendConsentMail(storage, deps, typeof data.confirmationId === 'string' ? data.confirmationId : '');
    },
    { pollingIntervalSeconds: deps.pollingIntervalSeconds ?? 2, workers: deps.concurrency ?? 1 },
  );
}
