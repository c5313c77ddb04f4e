import { loadConfig } from '../../runtime/config.js';
import { createLogger, type Logger } from '../../runtime/logger.js';
import { startServer, type RunningServer } from '../../runtime/server.js';
import type { TestStorage } from './test-database.js';

/**
 * The real HTTP server on a free port over a test storage. Export runs run in the server's own
 * process unless `env` sets `PARLEY_EXPORT_RUNNER=process` (a process per run, as `npm start`
 * does: test/integration/exporter/export-run-process.test.ts). `logger`: where the server logs (silent by default).
 */
export async function startTestServer(storage: TestStorage, env: Record<string, string> = {}, logger: Logger = createLogger('silent')): Promise<RunningServer> {
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', PARLEY_EXPORT_RUNNER: 'inline', ...env });
  return startServer({ config, storage, masterKey: storage.masterKey, logger, clock: storage.clock });
}

/** fetch() against the API with a bearer key; returns status and parsed JSON. A body is sent as JSON unless `contentType` names another type. */
export async function api(base: string, key: string | undefined, method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<{ status: number; body: any }> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { ...(key && { authorization: `Bearer ${key}` }), ...(body !== undefined && { 'content-type': contentType }) },
    ...(body !== undefined && { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON
  }
  return { status: response.status, body: parsed };
}
