import type { Request, Response } from 'express';
import type { Logger } from '../logger.js';
import { ERROR_PAGE, PAGE_LANGUAGES, type ConsentPage, type PageLanguage, type PageWords } from './consent-page-text.js';

/** The language the browser prefers among the pages' (`Accept-Language`); English when it names none of them. */
export function pageLanguage(req: Request): PageLanguage {
  const chosen = req.acceptsLanguages(...PAGE_LANGUAGES);
  return chosen === false ? 'en' : (chosen as PageLanguage);
}

/** The HTML of a page's words (static text only, so nothing needs escaping). */
export function renderConsentPage(words: PageWords, lang: PageLanguage): string {
  const field = words.emailField ? `<p><label>${words.emailField}<br><input type="email" name="email" required maxlength="254" autocomplete="email"></label></p>` : '';
  const form = words.button ? `\n<form method="post" action="">${field}<button type="submit">${words.button}</button></form>` : '';
  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${words.title}</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#222}h1{font-size:1.4rem}button,input{font:inherit;padding:.5rem 1rem}input{width:100%;box-sizing:border-box;margin-top:.25rem}</style>
</head>
<body>
<h1>${words.title}</h1>
<p>${words.text}</p>${form}
</body>
</html>
`;
}

/**
 * Sends a page in the browser's language, never cached or indexed; its form (if any) may post
 * only to this server.
 */
export function sendConsentPage(req: Request, res: Response, page: ConsentPage, withBody: boolean): void {
  const lang = pageLanguage(req);
  const words = page[lang];
  res
    .status(page.status)
    .set({
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Language': lang,
      Vary: 'Accept-Language',
      'Cache-Control': 'no-store',
      'Content-Security-Policy': `default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action ${words.button ? "'self'" : "'none'"}; frame-ancestors 'none'`,
      'Referrer-Policy': 'no-referrer',
      'X-Robots-Tag': 'noindex',
    });
  if (withBody) res.send(renderConsentPage(words, lang));
  else res.end();
}

/**
 * Answers with the page `action` resolves to, or with `ERROR_PAGE` when it throws: the failure
 * is logged as `failure`, with the error's message only.
 */
export async function answerWithPage(req: Request, res: Response, logger: Logger, failure: string, action: () => Promise<ConsentPage>): Promise<void> {
  let page: ConsentPage;
  try {
    page = await action();
  } catch (error) {
    logger.error({ err: { message: error instanceof Error ? error.message : 'unknown' } }, failure);
    page = ERROR_PAGE;
  }
  sendConsentPage(req, res, page, true);
}
