import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Server as SocketServer } from 'socket.io';
import { CAPABILITIES } from './capabilities.js';
import type { Clock } from '../core/clock.js';
import type { Config } from './config.js';
import { ChatEntryCache } from './engine/chat-entry-cache.js';
import { FlowEngine, type ChatEntry } from './engine/flow-engine.js';
import type { FlowLifecycleDeps } from './engine/flow-lifecycle.js';
import { closeDueFlows } from './engine/flow-closings.js';
import { attachChatGateway } from './gateway/chat-gateway.js';
import { fileReplyRoute } from './gateway/file-reply-route.js';
import { createApp } from './http/app.js';
import { buildApiRouter } from './http/api/api-router.js';
import { API_ROUTES } from './http/api/api-routes.js';
import { openApiRoute } from './http/api/openapi-route.js';
import { widgetRoutes } from './http/widget-routes.js';
import { adminRoutes } from './http/admin-routes.js';
import { downloadRoute } from './http/download-route.js';
import { consentConfirmRoute } from './http/consent-confirm-route.js';
import { consentWithdrawRoute } from './http/consent-withdraw-route.js';
import { withdrawalRequestRoute } from './http/withdrawal-request-route.js';
import { registerConsentMailWorker } from './mail/consent-mail-job.js';
import type { Logger } from './logger.js';
import { ModuleRegistry } from '../core/module-registry.js';
import { startSweeper } from './sweep-job.js';
import { createAdapter } from '@socket.io/postgres-adapter';
import { Metrics } from './metrics/metrics.js';
import { metricsRoute, requestTimer } from './metrics/metrics-routes.js';
import { flowCounters } from './metrics/flow-counters.js';
import { rowStatisticSources } from './stats/flow-stats.js';
import { CHAT_ENTRY_CHANNEL, ChangeFeed } from '../storage/change-feed.js';
import { longLivedClientPool } from '../storage/database.js';
import { storeEvents } from '../storage/store-events.js';
import { QUEUES } from '../storage/job-queue.js';
import { workEachOccurrence } from '../storage/occurrence-worker.js';
import { ExportDefinitionService } from '../exporter/definition/export-definition-service.js';
import { ExportJobs, exportRunnerDeps } from '../exporter/run/export-scheduler.js';
import { ExportRunProcesses } from './export-process/export-run-processes.js';
import { MODULES } from '../modules/index.js';
import { WebhookDispatcher } from '../exporter/webhooks/webhook-dispatcher.js';
import { startExportFilePruning } from './export-file-pruning.js';
import type { Storage } from '../storage/storage.js';

export interface RunningServer {
  readonly http: Server;
  readonly io: SocketServer;
  readonly url: string;
  /** The address people reach it at (`PARLEY_PUBLIC_URL`, else `http://localhost:PORT`, or `url` when PORT=0 chose the port): links in mails and public pages. */
  readonly publicUrl: string;
  readonly engine: FlowEngine;
  readonly flows: FlowLifecycleDeps;
  readonly exports: ExportJobs;
  readonly metrics: Metrics;
  readonly webhooks: WebhookDispatcher;
  close(graceMs?: number): Promise<void>;
}

/**
 * Builds the HTTP app, the chat gateway and background jobs on an opened storage, and listens.
 * `masterKey` (the one `storage` was opened with) and the configured previous ones go to the
 * processes that run exports.
 */
export async function startServer(options: { config: Config; storage: Storage; masterKey: string; logger: Logger; clock: Clock }): Promise<RunningServer> {
  const { config, storage, logger, clock } = options;
  storage.jobs.on('error', (error: Error) => logger.error({ err: { message: error.message } }, 'job queue error'));
  const metrics = new Metrics();
  storeEvents.on('write', (table, stored) => metrics.storeWrites.inc({ table, stored: String(stored) }));
  storeEvents.on('group', (transactions) => metrics.groupCommitSize.observe(transactions));
  storeEvents.on('groupRetried', (transactions) => metrics.groupCommitRetried.inc(transactions));
  const registry = new ModuleRegistry(MODULES);
  await startSweeper(storage, {
    cron: config.sweepCron, batchSize: config.sweepBatchSize, clock, logger, sources: rowStatisticSources(registry),
    onSwept: (table, rows) => metrics.rowsSwept.inc({ table }, rows),
  });

  // Set once the server listens when PORT=0 left it unknown (the mail worker starts then).
  let publicUrl = config.publicUrl ?? '';
  // Handshake entries kept by this process, dropped when PostgreSQL announces a change (see ChatEntryCache).
  const changes = config.chatEntryCache > 0 ? new ChangeFeed({ connectionString: storage.database.connectionString, channel: CHAT_ENTRY_CHANNEL }) : undefined;
  await changes?.start();
  const entries = changes && new ChatEntryCache<ChatEntry>(changes, config.chatEntryCache, (hit) => metrics.chatEntryLookups.inc({ result: hit ? 'hit' : 'miss' }));
  const engine = new FlowEngine({ storage, registry, clock, capabilities: CAPABILITIES, events: flowCounters(metrics), ...(entries && { entries }) });
  const runnerDeps = exportRunnerDeps(storage, registry, { dataDir: config.dataDir, logger, clock, leaseMs: config.exportLeaseMs });
  const exportProcesses = config.exportRunner === 'process'
    ? new ExportRunProcesses(storage, { connectionString: storage.database.connectionString, masterKey: options.masterKey, previousMasterKeys: config.previousMasterKeys, localRoot: runnerDeps.localRoot, leaseMs: config.exportLeaseMs, logLevel: config.logLevel, logger, nice: config.exportNice, idleMs: config.exportProcessIdleMs })
    : undefined;
  const exports = new ExportJobs(storage, runnerDeps, exportProcesses?.run);
  exports.onOutcome = (outcome) => metrics.exportRuns.inc({ status: outcome });
  await exports.start({ concurrency: config.exportConcurrency });
  const exportFiles = startExportFilePruning({ root: exports.localRoot, days: config.exportFileDays, logger });
  const webhooks = new WebhookDispatcher(storage, { ...config.webhooks, clock, logger });
  await webhooks.start();
  const afterClose = async (ws: string, slug: string) => {
    webhooks.wake();
    await exports.flowClosed(ws, slug);
  };
  const flows: FlowLifecycleDeps = { storage, registry, clock, capabilities: CAPABILITIES, afterClose };
  // Flows close at their closing time, each minute's occurrence once across processes.
  await workEachOccurrence(storage, 'flow-close', '* * * * *', logger, async () => {
    await closeDueFlows(flows, logger);
  });
  const webhookServices = { allowPrivate: config.webhooks.allowPrivate, wake: () => webhooks.wake() };
  const exportDefinitions = new ExportDefinitionService({ storage, registry, scheduler: exports });
  const limits = { codeUploadMaxLines: config.codeUploadMaxLines };
  const api = buildApiRouter(API_ROUTES, { storage, clock, logger, flows, exports, webhooks: webhookServices, limits, exportDefinitions, publicUrl: () => publicUrl, ...(changes && { changes }) }, [openApiRoute(API_ROUTES, registry.list())]);
  const refreshQueues = async () => {
    for (const queue of QUEUES) metrics.queueDepth.set({ queue }, await storage.jobs.size(queue));
  };
  const app = createApp({
    logger,
    health: () => storage.health(),
    before: [requestTimer(metrics)],
    routers: [metricsRoute(metrics, refreshQueues), widgetRoutes(storage), adminRoutes(), downloadRoute(storage, logger, { localRoot: exports.localRoot }), consentConfirmRoute({ storage, logger, onConfirmed: () => webhooks.wake() }), consentWithdrawRoute({ storage, logger, onWithdrawn: () => webhooks.wake() }), withdrawalRequestRoute({ storage, jobs: storage.jobs, logger, clock, trustedProxyHops: config.trustProxyHops, onWithdrawn: () => webhooks.wake() }), fileReplyRoute({ engine, storage, clock, metrics, perMinute: config.filesPerIpPerMinute, maxInFlight: config.filesInFlight, trustedProxyHops: config.trustProxyHops }), api],
  });
  const http = createServer(app);
  const adapterClients = longLivedClientPool(storage.pool);
  const io = attachChatGateway(http, {
    engine, storage, logger, metrics,
    adapter: createAdapter(adapterClients.pool, { errorHandler: () => {} }),
    handshakeLimit: { perMinute: config.handshakesPerIpPerMinute, trustedProxyHops: config.trustProxyHops, clock },
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(config.port, config.host, () => resolve());
  });
  const { port } = http.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  publicUrl = config.publicUrl ?? url;
  await registerConsentMailWorker(storage, { publicUrl, logger, concurrency: config.mailConcurrency });
  return {
    http,
    io,
    url,
    publicUrl,
    engine,
    flows,
    exports,
    metrics,
    webhooks,
    /** Stops accepting, lets in-flight requests and turns finish (bounded), then closes sockets. */
    close: async (graceMs = 10_000) => {
      const closed = new Promise<void>((resolve) => http.close(() => resolve()));
      http.closeIdleConnections();
      io.disconnectSockets(true);
      const timer = setTimeout(() => http.closeAllConnections(), graceMs);
      await closed;
      clearTimeout(timer);
      await new Promise<void>((resolve) => io.close(() => resolve()));
      adapterClients.close();
      await webhooks.stop();
      exportFiles.stop();
      await exportProcesses?.stop();
      await changes?.close();
    },
  };
}
