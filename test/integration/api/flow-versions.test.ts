import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestStorage, type TestStorage } from '../../support/test-database.js';
import { api, startTestServer } from '../../support/test-server.js';
import { OpenApiContract } from '../../support/openapi-contract.js';
import type { RunningServer } from '../../../runtime/server.js';
import { createWorkspace, type Workspace } from '../../../storage/workspace-repository.js';
import { issueApiKey } from '../../../storage/api-key-repository.js';

let storage: TestStorage;
let server: RunningServer;
let contract: OpenApiContract;
let workspace: Workspace;
let key: string;

beforeAll(async () => {
  storage = await createTestStorage();
  server = await startTestServer(storage);
  contract = await OpenApiContract.fetch(server.url);
  workspace = await createWorkspace(storage, { name: 'Versions' });
  key = (await issueApiKey(storage.db, workspace.id)).key;
});
afterAll(async () => {
  await server.close();
  await storage.destroy();
});

async function call(operationId: string, method: string, path: string, body?: unknown) {
  const response = await api(server.url, key, method, path, body);
  expect(contract.check(operationId, response.status, response.body), `${operationId} ${JSON.stringify(response.body)}`).toEqual([]);
  return response;
}

const hello = { name: 'Hello', steps: [{ id: 'hi', module: 'message', config: { text: 'Hello' } }] };
const raffle = {
  name: 'Hello and raffle',
  steps: [
    { id: 'hi', module: 'message', config: { text: 'Hello' }, next: 'email' },
    { id: 'email', module: 'email-capture', config: { question: 'Email?' }, next: 'draw' },
    { id: 'draw', module: 'giveaway', config: { frequency: 'once' } },
  ],
};

describe('flow versions in the admin API', () => {
  it('lists every save newest first, shows one version, and restores one as a new version (audited)', async () => {
    expect((await call('saveFlow', 'PUT', '/api/v1/flows/versioned', hello)).status).toBe(201);
    expect((await call('saveFlow', 'PUT', '/api/v1/flows/versioned', raffle)).status).toBe(200);
    await call('closeFlow', 'POST', '/api/v1/flows/versioned/close');

    const list = await call('listFlowVersions', 'GET', '/api/v1/flows/versioned/versions');
    expect(list.status).toBe(200);
    expect(list.body.versions.map((v: { version: number; name: string; stepCount: number }) => [v.version, v.name, v.stepCount])).toEqual([[2, 'Hello and raffle', 3], [1, 'Hello', 1]]);

    const one = await call('getFlowVersion', 'GET', '/api/v1/flows/versioned/versions/1');
    expect(one.body).toMatchObject({ version: 1, name: 'Hello', stepCount: 1, start: 'hi', steps: hello.steps });

    const restored = await call('restoreFlowVersion', 'POST', '/api/v1/flows/versioned/versions/1/restore');
    expect(restored.status).toBe(200);
    // Name and steps come from version 1; the status (closed since) stays as it is.
    expect(restored.body).toMatchObject({ name: 'Hello', version: 3, status: 'closed', steps: hello.steps });
    const after = await call('listFlowVersions', 'GET', '/api/v1/flows/versioned/versions');
    expect(after.body.versions.map((v: { version: number }) => v.version)).toEqual([3, 2, 1]);

    const audit = await api(server.url, key, 'GET', '/api/v1/audit');
    const entry = audit.body.entries.find((e: { action: string }) => e.action === 'flow.version_restored');
    expect(entry).toMatchObject({ target: 'versioned', counts: { restoredVersion: 1, newVersion: 3 } });
  });

  it('answers 404 for an unknown flow or version, 400 for a version that is not a number', async () => {
    expect((await call('listFlowVersions', 'GET', '/api/v1/flows/nothing-here/versions')).status).toBe(404);
    await api(server.url, key, 'PUT', '/api/v1/flows/short', hello);
    expect((await call('getFlowVersion', 'GET', '/api/v1/flows/short/versions/9')).status).toBe(404);
    expect((await call('restoreFlowVersion', 'POST', '/api/v1/flows/short/versions/9/restore')).status).toBe(404);
    const bad = await api(server.url, key, 'GET', '/api/v1/flows/short/versions/0');
    expect(bad.status).toBe(400);
    expect(bad.body.error.path).toBe('/params/version');
  });

  it("refuses to restore a version whose giveaway needs storage while the giveaway's storage is off, naming the step", async () => {
    await api(server.url, key, 'PUT', '/api/v1/flows/switched', raffle);
    await api(server.url, key, 'PUT', '/api/v1/flows/switched', hello);
    expect((await api(server.url, key, 'PATCH', '/api/v1/workspace', { storageOffModules: ['giveaway'] })).status).toBe(200);
    try {
      const refused = await call('restoreFlowVersion', 'POST', '/api/v1/flows/switched/versions/1/restore');
      expect(refused.status).toBe(409);
      expect(refused.body.error).toMatchObject({ code: 'storage_disabled', path: '/steps/2/module' });
      expect(refused.body.error.message).toContain("Store this module's data");
      expect((await api(server.url, key, 'GET', '/api/v1/flows/switched')).body.version).toBe(2);
    } finally {
      await api(server.url, key, 'PATCH', '/api/v1/workspace', { storageOffModules: [] });
    }
  });

  it('issues a preview token for a saved flow only', async () => {
    await api(server.url, key, 'PUT', '/api/v1/flows/tried', hello);
    const issued = await call('createFlowPreview', 'POST', '/api/v1/flows/tried/preview');
    expect(issued.status).toBe(201);
    expect(issued.body).toMatchObject({ workspace: workspace.id, flow: 'tried' });
    expect(new Date(issued.body.expiresAt).getTime() - storage.clock.now().getTime()).toBe(30 * 60_000);
    expect((await call('createFlowPreview', 'POST', '/api/v1/flows/not-saved/preview')).status).toBe(404);
  });
});
