import { Router } from 'express';
import { answerWithPage, sendConsentPage } from './consent-pages.js';
import { WITHDRAW_PAGES } from './consent-page-text.js';
import type { Logger } from '../logger.js';
import { CONFIRMATION_TOKEN } from '../../storage/consent-repository.js';
import { withdrawConsentByToken } from '../../storage/consent-withdrawal.js';
import type { StoreContext } from '../../storage/store-context.js';

/**
 * `/consents/withdraw/:token`: public (no API key), the withdrawal link of a double opt-in mail
 * (`{{withdraw_link}}`), as easy to use as the confirmation link and valid for as long as the
 * consent is kept. Opening it (GET, HEAD: what mail scanners and link previews do) only shows a
 * button; the button posts back to the same address and withdraws. `onWithdrawn` runs after a
 * withdrawal committed (its webhook event is in the outbox).
 */
export function consentWithdrawRoute(deps: { readonly storage: StoreContext; readonly logger: Logger; readonly onWithdrawn?: () => void }): Router {
  const router = Router();
  router.get('/consents/withdraw/:token', (req, res) => {
    const page = CONFIRMATION_TOKEN.test(String(req.params.token)) ? WITHDRAW_PAGES.ask : WITHDRAW_PAGES.unknown;
    sendConsentPage(req, res, page, req.method !== 'HEAD');
  });
  router.post('/consents/withdraw/:token', async (req, res) => {
    await answerWithPage(req, res, deps.logger, 'consent withdrawal failed', async () => {
      const outcome = await withdrawConsentByToken(deps.storage, String(req.params.token));
      if (outcome === 'withdrawn') {
        deps.logger.info('consent withdrawn');
        deps.onWithdrawn?.();
      }
      return WITHDRAW_PAGES[outcome];
    });
  });
  return router;
}
