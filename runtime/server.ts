import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock } from './clock.js';
import type { Config } from './config.js';
import { createApp } from './http/app.js';
import type { Logger } from './logger.js';
import { startSweeper } from './sweep-job.js';
import { buildApiRouter } from './http/api/api-router.js';
import { API_ROUTES } from './http/api/api-routes.js';
import { openApiRoute } from './http/api/openapi-route.js';
import type { Storage } from '../storage/storage.js';

export interface RunningServer {
  readonly http: Server;
  readonly url: string;
  close(): Promise<void>;
}

/** Builds the HTTP app on an opened storage, starts background jobs and listens. */
export async function startServer(options: { config: Config; storage: Storage; logger: Logger; clock: Clock }): Promise<RunningServer> {
  const { config, storage, logger, clock } = options;
  storage.jobs.on('error', (error: Error) => logger.error({ err: { message: error.message } }, 'job queue error'));
  await startSweeper(storage, { cron: config.sweepCron, batchSize: config.sweepBatchSize, clock, logger });
  const api = buildApiRouter(API_ROUTES, { storage, clock, logger }, [openApiRoute(API_ROUTES)]);
  const app = createApp({ logger, health: () => storage.health(), routers: [api] });
  const http = createServer(app);
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(config.port, config.host, () => resolve());
  });
  const { port } = http.address() as AddressInfo;
  return {
    http,
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        http.close(() => resolve());
        http.closeIdleConnections();
      }),
  };
}
