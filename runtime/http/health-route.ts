import { Router } from 'express';

/** `GET /health`: 200 only when every part answers; 503 naming the failing part otherwise. */
export function healthRoute(check: () => Promise<Record<string, boolean>>): Router {
  const router = Router();
  router.get('/health', async (_req, res) => {
    const parts = await check().catch(() => ({ database: false, jobs: false }));
    const failing = Object.entries(parts).filter(([, ok]) => !ok).map(([name]) => name);
    if (failing.length === 0) res.json({ status: 'ok' });
    else res.status(503).json({ status: 'unavailable', failing });
  });
  return router;
}
