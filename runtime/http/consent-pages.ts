import type { Response } from 'express';

/** A fixed page of a consent link: nothing from the request is ever echoed into it. */
export interface ConsentPage {
  readonly status: number;
  readonly title: string;
  readonly text: string;
  /** A button that posts to the page's own address (an empty form action): an action a link preview must not take by opening it. */
  readonly button?: string;
}

/** The HTML of a page (static text only, so nothing needs escaping). */
export function renderConsentPage(page: ConsentPage): string {
  const form = page.button ? `\n<form method="post" action=""><button type="submit">${page.button}</button></form>` : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${page.title}</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#222}h1{font-size:1.4rem}button{font:inherit;padding:.5rem 1rem}</style>
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
