import { DestinationError } from '../../core/errors.js';
import type { Logger } from '../logger.js';
import { confirmationMail } from './confirmation-mail.js';
import { mailFailure, smtpMailer, type Mailer } from './smtp-mailer.js';
import { clearPendingMail, loadPendingMail } from '../../storage/consent-repository.js';
import type { JobQueue, SendOptions } from '../../storage/job-queue.js';
import { readMailTransport } from '../../storage/mail-settings.js';
import type { StoreContext } from '../../storage/store-context.js';

/** The `consent-mail` job payload: ids only, never the email or the token. */
export interface ConsentMailJob {
  readonly confirmationId: string;
}

/** Queues jobs (the JobQueue's `send`). */
export type JobSender = Pick<JobQueue, 'send'>;

/** What the consent mail worker needs besides storage. */
export interface ConsentMailDeps {
  /** Public base URL of this server, e.g. `https://chat.example.org`; links point at `${publicUrl}/consents/confirm/…`. */
  readonly publicUrl: string;
  readonly logger: Logger;
  /** Defaults to SMTP through nodemailer. */
  readonly mailer?: Mailer;
  /** How often an idle worker polls the queue (default 2 s). */
  readonly pollingIntervalSeconds?: number;
  /** Mails this process sends at once (default 1): a workspace's slow SMTP server holds up only its own. */
  readonly concurrency?: number;
}

/** Retries with backoff, for an SMTP server down for a while. */
const RETRY: SendOptions = Object.freeze({ retryLimit: 10, retryDelay: 10, retryBackoff: true, expireInSeconds: 120 });

/** Queues the confirmation mail of one confirmation (ids only in the payload). */
export async function queueConsentMail(jobs: JobSender, confirmationId: string): Promise<void> {
  const job: ConsentMailJob = { confirmationId };
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
  const settings = await readMailTransport(ctx, pending.workspaceId);
  if (!settings) throw new DestinationError('The workspace has no mail settings', { retryable: true });
  const mail = confirmationMail(pending.email, pending.message, deps.publicUrl, pending.token);
  try {
    await (deps.mailer ?? smtpMailer).send(settings, mail);
  } catch (error) {
    deps.logger.warn({ confirmationId, ...mailFailure(error) }, 'consent mail not sent');
    throw new DestinationError('The confirmation mail could not be sent', { retryable: true });
  }
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
      const id = typeof job.data?.confirmationId === 'string' ? job.data.confirmationId : '';
      await sendConsentMail(storage, deps, id);
    },
    { pollingIntervalSeconds: deps.pollingIntervalSeconds ?? 2, workers: deps.concurrency ?? 1 },
  );
}
