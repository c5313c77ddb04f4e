import express, { Router, type Request } from 'express';
import { answerWithPage, pageLanguage, sendConsentPage } from './consent-pages.js';
import { REQUEST_PAGES, WITHDRAW_ALL_PAGES } from './consent-page-text.js';
import { addWithdrawalLink } from './consent-withdraw-route.js';
import type { Clock } from '../../core/clock.js';
import { normalizeEmail } from '../../core/email-address.js';
import { UUID_TEXT } from '../../core/ids.js';
import { AddressLimiter } from '../gateway/address-limiter.js';
import { addressKey, clientAddress } from '../gateway/client-address.js';
import type { Logger } from '../logger.js';
import { queueConsentMail, type JobSender } from '../mail/consent-mail-job.js';
import { workspaceSendsMail } from '../../storage/mail-settings.js';
import type { StoreContext } from '../../storage/store-context.js';
import { requestWithdrawal, withdrawByRequest } from '../../storage/withdrawal-requests.js';

export interface WithdrawalRequestDeps {
  readonly storage: StoreContext;
  readonly jobs: JobSender;
  readonly logger: Logger;
  readonly clock: Clock;
  /** Requests for a link one client address may make per minute (default 5). */
  readonly perMinute?: number;
  readonly trustedProxyHops: number;
  /** Runs after a withdrawal committed (its webhook events are in the outbox). */
  readonly onWithdrawn?: () => void;
}

/**
 * The self-service withdrawal of consent, for every consent (single or double opt-in), public (no API key):
 * - `/consents/request-withdrawal/:workspaceId`: a page asking for an email address (GET); its
 *   form (POST) mails a link to the address kept in a consent given with it, when one stands and
 *   no link went out for it in the last minutes. It answers the same whether or not there is a
 *   consent, so it tells nobody who consented. Only for a workspace that can send mail.
 * - `/consents/withdraw-all/:token`: the mailed link. Opening it (GET, HEAD) only shows a button;
 *   the button (POST) withdraws every consent of that address in the workspace.
 */
export function withdrawalRequestRoute(deps: WithdrawalRequestDeps): Router {
  const router = Router();
  const limiter = new AddressLimiter({ perMinute: deps.perMinute ?? 5, clock: deps.clock });
  const available = async (req: Request): Promise<string | undefined> => {
    const workspaceId = String(req.params.workspaceId);
    return UUID_TEXT.test(workspaceId) && (await workspaceSendsMail(deps.storage, workspaceId)) ? workspaceId : undefined;
  };

  router.get('/consents/request-withdrawal/:workspaceId', async (req, res) => {
    await answerWithPage(req, res, deps.logger, 'withdrawal page failed', async () => ((await available(req)) ? REQUEST_PAGES.ask : REQUEST_PAGES.unavailable));
  });
  router.post('/consents/request-withdrawal/:workspaceId', express.urlencoded({ extended: false, limit: '2kb' }), async (req, res) => {
    const address = clientAddress(req.socket.remoteAddress, req.get('x-forwarded-for'), deps.trustedProxyHops);
    if (!limiter.take(address === null ? 'unknown' : addressKey(address))) return sendConsentPage(req, res, REQUEST_PAGES.limited, true);
    await answerWithPage(req, res, deps.logger, 'withdrawal request failed', async () => {
      const workspaceId = await available(req);
      if (!workspaceId) return REQUEST_PAGES.unavailable;
      const email = normalizeEmail((req.body as Record<string, unknown> | undefined)?.email);
      if (!email) return REQUEST_PAGES.invalid;
      const request = await requestWithdrawal(deps.storage, workspaceId, email, pageLanguage(req));
      if (request.status === 'requested') {
        await queueConsentMail(deps.jobs, { withdrawalRequestId: request.requestId });
        deps.logger.info({ withdrawalRequestId: request.requestId }, 'withdrawal link requested');
      }
      return REQUEST_PAGES.sent;
    });
  });

  addWithdrawalLink(router, '/consents/withdraw-all/:token', {
    pages: WITHDRAW_ALL_PAGES,
    withdraw: (token: string) => withdrawByRequest(deps.storage, token),
    logger: deps.logger,
    withdrawnLog: 'consents withdrawn by a mailed link',
    onWithdrawn: deps.onWithdrawn,
  });
  return router;
}
