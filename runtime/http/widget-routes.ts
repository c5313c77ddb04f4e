import { Router } from 'express';
import { encodedWidgetBundle } from './widget-bundle.js';
import { sendScript } from './script-encodings.js';
import { renderDemoPage } from '../../widget/demo-page.js';
import type { StoreContext } from '../../storage/store-context.js';
import { findDemoWorkspaceId } from '../../storage/workspace-repository.js';

export const DEMO_FLOW = 'hello-world';

/** `GET /widget.js` (the embeddable widget) and `GET /demo` (a page embedding the demo flow). */
export function widgetRoutes(storage: StoreContext): Router {
  const router = Router();
  router.get('/widget.js', async (req, res, next) => {
    try {
      const script = await encodedWidgetBundle();
      res.set('Access-Control-Allow-Origin', '*');
      sendScript(req, res, script, 'public, max-age=300');
    } catch (error) {
      next(error);
    }
  });
  router.get('/demo', async (req, res, next) => {
    try {
      const workspaceId = await findDemoWorkspaceId(storage);
      if (!workspaceId) {
        res.status(404).type('text/plain').send('No demo workspace on this server.');
        return;
      }
      const widgetUrl = `${req.protocol}://${req.get('host')}/widget.js`;
      res
        .type('text/html')
        .set('Content-Security-Policy', "default-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self' ws: wss:")
        .send(renderDemoPage({ workspaceId, flowId: DEMO_FLOW, widgetUrl }));
    } catch (error) {
      next(error);
    }
  });
  return router;
}
