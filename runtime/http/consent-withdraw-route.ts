import { Router } from 'express';
import { answerWithPage, sendConsentPage } from './consent-pages.js';
import { WITHDRAW_PAGES, type ConsentPage } from './consent-page-text.js';
import type { Logger } from '../logger.js';
import { CONFIRMATION_TOKEN } from '../../storage/consent-repository.js';
import { withdrawConsentByToken } from '../../storage/consent-withdrawal.js';
import type { StoreContext } from '../../storage/store-context.js';

/**
 * A withdrawal link's two routes at `path` (ending in `:token`): opening it (GET, HEAD: what mail
 * scanners and link previews do) only shows the `ask` page and its button (`unknown` for a token
 * of the wrong shape); the button posts back to the same address, runs `withdraw` and answers the
 * page of its outcome. `onWithdrawn` runs after a withdrawal committed (its webhook events are in
 * the outbox).
 */
export function addWithdrawalLink<O extends 'withdrawn' | 'already_withdrawn' | 'unknown' | 'expired'>(
  router: Router,
  path: string,
  options: {
    readonly pages: Readonly<Record<NoInfer<O> | 'ask' | 'unknown', ConsentPage>>;
    readonly withdraw: (token: string) => Promise<O>;
    readonly logger: Logger;
    /** Logged when the button withdrew something. */
    readonly withdrawnLog: string;
    readonly onWithdrawn?: (() => void) | undefined;
  },
): void {
  router.get(path, (req, res) => {
    const page = CONFIRMATION_TOKEN.test(String(req.params.token)) ? options.pages.ask : options.pages.unknown;
    sendConsentPage(req, res, page, req.method !== 'HEAD');
  });
  router.post(path, async (req, res) => {
    await answerWithPage(req, res, options.logger, 'consent withdrawal failed', async () => {
      const outcome = await options.withdraw(String(req.params.token));
      if (outcome === 'withdrawn') {
        options.logger.info(options.withdrawnLog);
        options.onWithdrawn?.();
      }
      return options.pages[outcome];
    });
  });
}

/**
 * `/consents/withdraw/:token`: public (no API key), the withdrawal link of a double opt-in mail
 * (`{{withdraw_link}}`), as easy to use as the confirmation link and valid for as long as the
 * consent is kept. Opening it only asks; its button withdraws that consent.
 */
export function consentWithdrawRoute(deps: { readonly storage: StoreContext; readonly logger: Logger; readonly onWithdrawn?: () => void }): Router {
  const router = Router();
  addWithdrawalLink(router, '/consents/withdraw/:token', {
    pages: WITHDRAW_PAGES,
    withdraw: (token: string) => withdrawConsentByToken(deps.storage, token),
    logger: deps.logger,
    withdrawnLog: 'consent withdrawn',
    onWithdrawn: deps.onWithdrawn,
  });
  return router;
}
