import { DestinationError } from '../../core/errors.js';
import type { Logger } from '../logger.js';
import { mailFailure, smtpMailer, type Mailer, type OutgoingMail } from './smtp-mailer.js';
import { readMailTransport } from '../../storage/mail-settings.js';
import type { StoreContext } from '../../storage/store-context.js';

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

/**
 * Sends one mail through the workspace's SMTP settings. Throws a retryable error (so the job is
 * retried) when the workspace has no mail settings or the server did not take the mail (then
 * with `what.failure` as its message); the error and the log line carry `what.ids` only, never
 * the recipient or the server's reply.
 */
export async function sendWorkspaceMail(ctx: StoreContext, deps: ConsentMailDeps, workspaceId: string, mail: OutgoingMail, what: { ids: Record<string, string>; failure: string }): Promise<void> {
  const settings = await readMailTransport(ctx, workspaceId);
  if (!settings) throw new DestinationError('The workspace has no mail settings', { retryable: true });
  try {
    await (deps.mailer ?? smtpMailer).send(settings, mail);
  } catch (error) {
    deps.logger.warn({ ...what.ids, ...mailFailure(error) }, 'consent mail not sent');
    throw new DestinationError(what.failure, { retryable: true });
  }
}
