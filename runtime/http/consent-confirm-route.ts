import { Router } from 'express';
import { answerWithPage, sendConsentPage } from './consent-pages.js';
import { CONFIRM_PAGES } from './consent-page-text.js';
import type { Logger } from '../logger.js';
import { confirmConsent } from '../../storage/consent-repository.js';
import type { StoreContext } from '../../storage/store-context.js';

/**
 * `GET /consents/confirm/:token`: public (no API key), the link of a double opt-in mail.
 * Confirms once (200), says so again on a second click (200), 410 past expiry, 404 for an
 * unknown token. A HEAD request (link previews) changes nothing. `onConfirmed` runs after a
 * confirmation committed (its webhook event is in the outbox).
 */
export function consentConfirmRoute(deps: { readonly storage: StoreContext; readonly logger: Logger; readonly onConfirmed?: () => void }): Router {
  const router = Router();
  router.get('/consents/confirm/:token', async (req, res) => {
    if (req.method === 'HEAD') return sendConsentPage(req, res, CONFIRM_PAGES.confirmed, false);
    await answerWithPage(req, res, deps.logger, 'consent confirmation failed', async () => {
      const outcome = await confirmConsent(deps.storage, String(req.params.token));
      if (outcome === 'confirmed') {
        deps.logger.info('consent confirmed');
        deps.onConfirmed?.();
      }
      return CONFIRM_PAGES[outcome];
    });
  });
  return router;
}
