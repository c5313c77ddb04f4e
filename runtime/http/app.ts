import express, { type Express, type RequestHandler, type Router } from 'express';
import { errorMiddleware, notFoundMiddleware } from './error-middleware.js';
import { healthRoute } from './health-route.js';
import type { Logger } from '../logger.js';
import { faviconRoute } from './favicon-route.js';

export interface AppParts {
  logger: Logger;
  health: () => Promise<Record<string, boolean>>;
  /** Routers mounted in order before the 404 and error handlers. */
  routers?: Router[];
  /** Middleware that sees every request first (metrics). */
  before?: RequestHandler[];
}

/** The express application: security headers, health, the given routers, JSON errors. */
export function createApp(parts: AppParts): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  for (const handler of parts.before ?? []) app.use(handler);
  app.use((_req, res, next) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    next();
  });
  app.use(healthRoute(parts.health));
  app.use(faviconRoute());
  for (const router of parts.routers ?? []) app.use(router);
  app.use(notFoundMiddleware);
  app.use(errorMiddleware(parts.logger));
  return app;
}
