import { ADMIN_CSS } from './admin/admin-styles.js';
import { escapeHtml } from './html-escape.js';
import { FAVICON_LINK } from './favicon.js';

/**
 * The Content-Security-Policy of `/admin`: scripts only from this origin (no inline script),
 * the inline style sheet below, API calls to this origin, no framing.
 */
export const ADMIN_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * The HTML shell of the admin console: the style sheet and one external script that renders
 * everything into `#app`. No data goes into this page; the script reads it from the API.
 *
 * @example
 * res.set('Content-Security-Policy', ADMIN_CSP).type('html').send(renderAdminPage({ scriptUrl: '/admin.js' }));
 */
export function renderAdminPage(options: { readonly scriptUrl: string }): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Parley console</title>
${FAVICON_LINK}
<style>${ADMIN_CSS}</style>
<script src="${escapeHtml(options.scriptUrl)}" defer></script>
</head>
<body>
<div id="app"><noscript><p class="center">The Parley console needs JavaScript.</p></noscript></div>
</body>
</html>
`;
}
