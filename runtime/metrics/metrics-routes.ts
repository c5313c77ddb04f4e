import { Router, type RequestHandler } from 'express';
import type { Metrics } from './metrics.js';

/** Times every request by its route pattern (never the raw URL, which may hold tokens). */
export function requestTimer(metrics: Metrics): RequestHandler {
  return (req, res, next) => {
    const end = metrics.requestSeconds.startTimer();
    res.on('finish', () => {
      const route = (req.route?.path as string | undefined) ?? (res.statusCode === 404 ? 'unmatched' : 'other');
      end({ method: req.method, route: `${req.baseUrl}${route}`, status: String(res.statusCode) });
    });
    next();
  };
}

/** `GET /metrics` in the Prometheus text format; `refresh` updates gauges (queue depth) first. */
export function metricsRoute(metrics: Metrics, refresh: () => Promise<void>): Router {
  const router = Router();
  router.get('/metrics', async (_req, res) => {
    await refresh().catch(() => {});
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  return router;
}
