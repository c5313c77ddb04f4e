import { createHash } from 'node:crypto';
import { Router } from 'express';
import { FAVICON_SVG } from '../../widget/favicon.js';

const ETAG = `"${createHash('sha256').update(FAVICON_SVG).digest('base64url').slice(0, 16)}"`;

/**
 * `GET /favicon.svg` and `GET /favicon.ico`: Parley's icon, cached for a day and revalidated by
 * ETag. Browsers ask for `/favicon.ico` on any page that links no icon (an API response opened in
 * a tab); both paths answer the same image instead of a 404 in the console's log.
 */
export function faviconRoute(): Router {
  const router = Router();
  router.get(['/favicon.svg', '/favicon.ico'], (req, res) => {
    res.set({ 'Cache-Control': 'public, max-age=86400', ETag: ETAG });
    if (req.get('If-None-Match') === ETAG) {
      res.status(304).end();
      return;
    }
    res.type('image/svg+xml').send(FAVICON_SVG);
  });
  return router;
}
