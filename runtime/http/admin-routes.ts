import path from 'node:path';
import { Router } from 'express';
import { ADMIN_CSP, renderAdminPage } from '../../widget/admin-page.js';
import { buildBundle } from './widget-bundle.js';

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
  router.get('/admin.js', async (_req, res, next) => {
    try {
      const script = await buildBundle(ADMIN_ENTRY);
      res.type('application/javascript').set('Cache-Control', 'no-cache').send(script);
    } catch (error) {
      next(error);
    }
  });
  return router;
}
