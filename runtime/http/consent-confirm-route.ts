import { Router, type Response } from 'express';
import type { Logger } from '../logger.js';
import { confirmConsent, type ConfirmOutcome } from '../../storage/consent-repository.js';
import type { StoreContext } from '../../storage/store-context.js';

/** A fixed page: nothing from the request is ever echoed into it. */
interface ConfirmPage {
  readonly status: number;
  readonly title: string;
  readonly text: string;
}

export const CONFIRM_PAGES: Readonly<Record<ConfirmOutcome | 'error', ConfirmPage>> = Object.freeze({
  confirmed: { status: 200, title: 'Subscription confirmed', text: 'Thanks, your subscription is confirmed.' },
  already_confirmed: { status: 200, title: 'Already confirmed', text: 'Your subscription was already confirmed. Thanks!' },
  expired: { status: 410, title: 'Link expired', text: 'This link has expired or was already used.' },
  unknown: { status: 404, title: 'Link not found', text: 'This link is not valid.' },
  error: { status: 500, title: 'Something went wrong', text: 'Something went wrong on our side. Please try again later.' },
});

/** The HTML of a page (static text only, so nothing needs escaping). */
export function renderConfirmPage(page: ConfirmPage): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${page.title}</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#222}h1{font-size:1.4rem}</style>
</head>
<body>
<h1>${page.title}</h1>
<p>${page.text}</p>
</body>
</html>
`;
}

function send(res: Response, page: ConfirmPage, withBody: boolean): void {
  res
    .status(page.status)
    .set({
      'Content-Type': 'text/html; charset=utf-8',
      'Cache-Control': 'no-store',
      'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
      'Referrer-Policy': 'no-referrer',
      'X-Robots-Tag': 'noindex',
    });
  if (withBody) res.send(renderConfirmPage(page));
  else res.end();
}

/**
 * `GET /consents/confirm/:token`: public (no API key), the link of a double opt-in mail.
 * Confirms once (200), says so again on a second click (200), 410 past expiry, 404 for an
 * unknown token. A HEAD request (link previews) changes nothing. `onConfirmed` runs after a
 * confirmation committed (its webhook event is in the outbox).
 */
export function consentConfirmRoute(deps: { readonly storage: StoreContext; readonly logger: Logger; readonly onConfirmed?: () => void }): Router {
  const router = Router();
  router.get('/consents/confirm/:token', async (req, res) => {
    if (req.method === 'HEAD') return send(res, CONFIRM_PAGES.confirmed, false);
    try {
      const outcome = await confirmConsent(deps.storage, String(req.params.token));
      if (outcome === 'confirmed') {
        deps.logger.info('consent confirmed');
        deps.onConfirmed?.();
      }
      send(res, CONFIRM_PAGES[outcome], true);
    } catch (error) {
      deps.logger.error({ err: { message: error instanceof Error ? error.message : 'unknown' } }, 'consent confirmation failed');
      send(res, CONFIRM_PAGES.error, true);
    }
  });
  return router;
}
