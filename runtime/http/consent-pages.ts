import type { Response } from 'express';
import type { Logger } from '../logger.js';

/** A fixed page of a consent link: nothing from the request is ever echoed into it. */
export interface ConsentPage {
  readonly status: number;
  readonly title: string;
  readonly text: string;
  /** A button that posts to the page's own address (an empty form action): an action a link preview must not take by opening it. */
  readonly button?: string;
  /** The label of an email field the form posts (as `email`) with its button. */
  readonly emailField?: string;
}

/** The page of a failure on our side. */
export const ERROR_PAGE: ConsentPage = Object.freeze({ status: 500, title: 'Something went wrong', text: 'Something went wrong on our side. Please try again later.' });

/** The HTML of a page (static text only, so nothing needs escaping). */
export function renderConsentPage(page: ConsentPage): string {
  const field = page.emailField ? `<p><label>${page.emailField}<br><input type="email" name="email" required maxlength="254" autocomplete="email"></label></p>` : '';
  const form = page.button ? `\n<form method="post" action="">${field}<button type="submit">${page.button}</button></form>` : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${page.title}</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#222}h1{font-size:1.4rem}button,input{font:inherit;padding:.5rem 1rem}input{width:100%;box-sizing:border-box;margin-top:.25rem}</style>
</head>
<body>
<h1>${page.title}</h1>
<p>${page.text}</p>${form}
</body>
</html>
`;
}

/** Sends a page, never cached or indexed; its form (if any) may post only to this server. */
export function sendConsentPage(res: Response, page: ConsentPage, withBody: boolean): void {
  res
    .status(page.status)
    .set({
      'Content-Type': 'text/html; charset=utf-8',
      'Cache-Control': 'no-store',
      'Content-Security-Policy': `default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action ${page.button ? "'self'" : "'none'"}; frame-ancestors 'none'`,
      'Referrer-Policy': 'no-referrer',
      'X-Robots-Tag': 'noindex',
    });
  if (withBody) res.send(renderConsentPage(page));
  else res.end();
}

/**
 * Answers with the page `action` resolves to, or with `ERROR_PAGE` when it throws: the failure
 * is logged as `failure`, with the error's message only.
 */
export async function answerWithPage(res: Response, logger: Logger, failure: string, action: () => Promise<ConsentPage>): Promise<void> {
  let page: ConsentPage;
  try {
    page = await action();
  } catch (error) {
    logger.error({ err: { message: error instanceof Error ? error.message : 'unknown' } }, failure);
    page = ERROR_PAGE;
  }
  sendConsentPage(res, page, true);
}
