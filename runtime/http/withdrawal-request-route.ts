import express, { Router, type Request } from 'express';
import { answerWithPage, pageLanguage, sendConsentPage } from './consent-pages.js';
import { REQUEST_PAGES, WITHDRAW_ALL_PAGES } from './consent-page-text.js';
import type { Clock } from '../../core/clock.js';
import { normalizeEmail } from '../../core/email-address.js';
import { AddressLimiter } from '../gateway/address-limiter.js';
import { addressKey, clientAddress } from '../gateway/client-address.js';
import type { Logger } from '../logger.js';
import { queueConsentMail, type JobSender } from '../mail/consent-mail-job.js';
import { workspaceSendsMail } from '../../storage/mail-settings.js';
import type { StoreContext } from '../../storage/store-context.js';
import { requestWithdrawal, withdrawByRequest } from '../../storage/withdrawal-requests.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

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
    return UUID.test(workspaceId) && (await workspaceSendsMail(deps.storage, workspaceId)) ? workspaceId : undefined;
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

  router.get('/consents/withdraw-all/:token', (req, res) => {
    sendConsentPage(req, res, TOKEN.test(String(req.params.token)) ? WITHDRAW_ALL_PAGES.ask : WITHDRAW_ALL_PAGES.unknown, req.method !== 'HEAD');
  });
  router.post('/consents/withdraw-all/:token', async (req, res) => {
    await answerWithPage(req, res, deps.logger, 'consent withdrawal failed', async () => {
      const outcome = await withdrawByRequest(deps.storage, String(req.params.token));
      if (outcome === 'withdrawn') {
        deps.logger.info('consents withdrawn by a mailed link');
        deps.onWithdrawn?.();
      }
      return WITHDRAW_ALL_PAGES[outcome];
    });
  });
  return router;
}
