import path from 'node:path';
import { Router } from 'express';
import { ADMIN_CSP, renderAdminPage } from '../../widget/admin-page.js';
import { encodedBundle } from './widget-bundle.js';
import { sendScript } from './script-encodings.js';

/** The admin console's browser entry, relative to the repository root. */
export const ADMIN_ENTRY = path.join('widget', 'admin-console.ts');

/**
 * `GET /admin` (the console's HTML shell, under a strict CSP and never framed) and
 * `GET /admin.js` (the console bundle). The console is a pure client of `/api/v1`.
 */
export function adminRoutes(): Router {
  const router = Router();
  router.get('/admin', (_req, res) => {
    res
      .type('text/html')
      .set({
        'Content-Security-Policy': ADMIN_CSP,
        'X-Frame-Options': 'DENY',
        'Cache-Control': 'no-store',
      })
      .send(renderAdminPage({ scriptUrl: '/admin.js' }));
  });
  router.get('/admin.js', async (req, res, next) => {
    try {
      sendScript(req, res, await encodedBundle(ADMIN_ENTRY), 'no-cache');
    } catch (error) {
      next(error);
    }
  });
  return router;
}
