import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { flowSetup, saveTestFlow, type TestVisitor } from './flow-harness.js';
import { createTestStorage, type TestStorage } from './test-database.js';
import { api, startTestServer } from './test-server.js';
import type { RunningServer } from '../../runtime/server.js';
import { issueApiKey } from '../../storage/api-key-repository.js';
import type { Workspace } from '../../storage/workspace-repository.js';

/** A run as GET /exports/{id}/runs shows it. */
export interface RunView {
  readonly id: string;
  readonly run: number;
  readonly status: 'queued' | 'running' | 'succeeded' | 'failed';
  readonly trigger: string;
  readonly rows: number | null;
  readonly bytes: number | null;
  readonly sha256: string | null;
  readonly fileName: string | null;
  readonly destination: string | null;
  readonly durationMs: number | null;
  readonly error: string | null;
  readonly attempts: number;
}

/** A real server on a fresh database, one workspace (Europe/Paris) with an API key and a giveaway flow. */
export interface DeliveryFixture {
  readonly storage: TestStorage;
  readonly server: RunningServer;
  readonly workspace: Workspace;
  readonly key: string;
  /** The server's data directory; local deliveries land under `<dataDir>/exports`. */
  readonly dataDir: string;
  /** The flow every fixture has: email → nickname → giveaway entry (unlimited entries). */
  readonly flowSlug: string;
  /** One visitor plays the flow to the end: enters the giveaway with `email` and `nickname`. */
  play(email: string, nickname: string): Promise<void>;
  /** Calls the admin API with the workspace's key. */
  call(method: string, route: string, body?: unknown): Promise<{ status: number; body: any }>;
  /** Creates an export through the API; throws unless it answers 201. */
  createExport(definition: unknown): Promise<{ id: string; body: any }>;
  /** POST /exports/{id}/runs; returns the queued run's id. */
  startRun(exportId: string): Promise<string>;
  /** Polls the run history until run `runId` is succeeded or failed (the server's worker runs it). */
  waitForRun(exportId: string, runId: string, deadlineMs?: number): Promise<RunView>;
  /** The run history, newest first. */
  runs(exportId: string): Promise<RunView[]>;
  close(): Promise<void>;
}

export const GIVEAWAY_FLOW = {
  name: 'Spring draw',
  steps: [
    { id: 'email', module: 'email-capture', config: { question: 'Email?' }, next: 'nick' },
    { id: 'nick', module: 'text-question', config: { question: 'Nickname?', variable: 'nickname', required: false }, next: 'draw' },
    { id: 'draw', module: 'giveaway', config: { frequency: 'unlimited' } },
  ],
};

/** Hex SHA-256 of `data`. */
export function sha256Hex(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

const FINAL = new Set(['succeeded', 'failed']);

/** Starts the fixture with the manual clock at `start`. */
export async function startDeliveryFixture(options: { start: Date }): Promise<DeliveryFixture> {
  const storage = await createTestStorage({ start: options.start });
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'parley-delivery-'));
  const server = await startTestServer(storage, { PARLEY_DATA_DIR: dataDir });
  const setup = await flowSetup(storage);
  const key = (await issueApiKey(storage.db, setup.workspace.id)).key;
  const flowSlug = 'spring';
  await saveTestFlow(storage, setup.workspace, flowSlug, GIVEAWAY_FLOW);
  const call = (method: string, route: string, body?: unknown) => api(server.url, key, method, `/api/v1${route}`, body);
  const runs = async (exportId: string): Promise<RunView[]> => {
    const response = await call('GET', `/exports/${exportId}/runs`);
    if (response.status !== 200) throw new Error(`run history answered ${response.status}`);
    return response.body.runs as RunView[];
  };
  return {
    storage,
    server,
    workspace: setup.workspace,
    key,
    dataDir,
    flowSlug,
    async play(email, nickname) {
      const visitor: TestVisitor = setup.visitor(flowSlug);
      await visitor.start();
      await visitor.answer(email);
      await visitor.answer(nickname);
    },
    call,
    async createExport(definition) {
      const response = await call('POST', '/exports', definition);
      if (response.status !== 201) throw new Error(`createExport answered ${response.status}: ${JSON.stringify(response.body)}`);
      return { id: response.body.id as string, body: response.body };
    },
    async startRun(exportId) {
      const response = await call('POST', `/exports/${exportId}/runs`);
      if (response.status !== 202) throw new Error(`runExport answered ${response.status}: ${JSON.stringify(response.body)}`);
      return response.body.id as string;
    },
    async waitForRun(exportId, runId, deadlineMs = 30_000) {
      const deadline = Date.now() + deadlineMs;
      for (;;) {
        const run = (await runs(exportId)).find((r) => r.id === runId);
        if (run && FINAL.has(run.status)) return run;
        if (Date.now() > deadline) throw new Error(`run ${runId} not final in time: ${JSON.stringify(run)}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    runs,
    async close() {
      await server.close();
      await storage.destroy();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
