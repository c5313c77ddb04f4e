import { Router } from 'express';
import { FAVICON_SVG } from '../../widget/favicon.js';

/**
 * `GET /favicon.svg` and `GET /favicon.ico`: Parley's icon, cached for a day (Express gives it an
 * ETag and answers a matching `If-None-Match` with 304). Browsers ask for `/favicon.ico` on any
 * page that links no icon (an API response opened in a tab); both paths answer the same image
 * instead of a 404 in the console's log.
 */
export function faviconRoute(): Router {
  const router = Router();
  router.get(['/favicon.svg', '/favicon.ico'], (_req, res) => {
    res.set('Cache-Control', 'public, max-age=86400').type('image/svg+xml').send(FAVICON_SVG);
  });
  return router;
}
