import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestStorage, type TestStorage } from '../../support/test-database.js';
import { api, startTestServer } from '../../support/test-server.js';
import { OpenApiContract } from '../../support/openapi-contract.js';
import { sampleRequest } from '../../support/api-samples.js';
import { saveTestFlow } from '../../support/flow-harness.js';
import type { RunningServer } from '../../../runtime/server.js';
import { createWorkspace, updateWorkspace } from '../../../storage/workspace-repository.js';
import { issueApiKey } from '../../../storage/api-key-repository.js';
import { writeStoreRow } from '../../../storage/store-batch-writer.js';
import { createExport } from '../../../storage/export-repository.js';

let storage: TestStorage;
let server: RunningServer;
let contract: OpenApiContract;

const EMAIL = 'shredded@example.org';
const exportDefinition = (destination?: unknown) => ({
  name: 'Entries',
  source: { table: 'participations' as const },
  fields: [{ field: 'row.id' }],
  format: { type: 'csv' as const },
  fileNamePattern: '{export}',
  ...(destination !== undefined && { destination }),
});

/** A workspace with a giveaway flow, a personal row and an export, and its API key. */
async function seededWorkspace(name: string) {
  const workspace = await createWorkspace(storage, { name });
  const key = (await issueApiKey(storage.db, workspace.id)).key;
  await saveTestFlow(storage, workspace, 'contest', { name: 'Contest', steps: [{ id: 's', module: 'giveaway', config: { frequency: 'unlimited' } }] });
  const row = await writeStoreRow(storage, workspace.id, { table: 'participations', moduleId: 'giveaway', defaultRetentionDays: 60, personal: { email: EMAIL }, subject: EMAIL });
  if (!row.stored) throw new Error('not stored');
  const exported = await createExport(storage, workspace.id, exportDefinition({ kind: 'local', directory: 'shredded' }) as never, null);
  return { workspace, key, rowId: row.id, exportId: exported.id };
}

async function expectDocumented(key: string, operationId: string, method: string, path: string, body?: unknown, contentType?: string) {
  const response = await api(server.url, key, method, path, body, contentType);
  expect.soft(contract.check(operationId, response.status, response.body), `${operationId} ${response.status} ${JSON.stringify(response.body)}`).toEqual([]);
  return response;
}

beforeAll(async () => {
  storage = await createTestStorage();
  server = await startTestServer(storage);
  contract = await OpenApiContract.fetch(server.url);
});
afterAll(async () => {
  await server.close();
  await storage.destroy();
});

describe('the OpenAPI document declares every status the routes really give', () => {
  it('after crypto-shredding, every operation answers a status and body the document declares, never 500', async () => {
    const seeded = await seededWorkspace('Shredded');
    await storage.keyring.destroyKey(seeded.workspace.id);
    // Replacements, then deletions last, so every other operation still finds its resource as seeded.
    const rank = (method: string) => ['PUT', 'DELETE'].indexOf(method);
    const ordered = [...contract.operations].sort((x, y) => rank(x.method) - rank(y.method));
    const statuses: Record<string, number> = {};
    for (const op of ordered) {
      const sample = sampleRequest(op, { flowId: 'contest', stepId: 's', rowId: seeded.rowId, exportId: seeded.exportId, email: EMAIL });
      const response = await expectDocumented(seeded.key, op.operationId, op.method, `${sample.path}${sample.query ?? ''}`, sample.body, sample.contentType);
      statuses[op.operationId] = response.status;
      expect.soft(response.status, `${op.operationId} ${JSON.stringify(response.body)}`).not.toBe(500);
    }
    // The personal reads are the ones that must meet the destroyed key. (An export preview decrypts
    // only the personal fields it selects, so a preview of other fields still answers.)
    expect(statuses).toMatchObject({ listRows: 410, lookupSubject: 410, eraseSubject: 410, createDownload: 410 });
    expect(statuses.previewExport).toBe(200);
  });

  it('documents the 409s a proxy validator found on runs, destination-test and flow save', async () => {
    const seeded = await seededWorkspace('Conflicts');
    const bare = await createExport(storage, seeded.workspace.id, exportDefinition() as never, null);
    const run = await expectDocumented(seeded.key, 'runExport', 'POST', `/api/v1/exports/${bare.id}/runs`);
    expect(run.status).toBe(409);
    const test = await expectDocumented(seeded.key, 'testExportDestination', 'POST', `/api/v1/exports/${bare.id}/destination-test`);
    expect(test.status).toBe(409);
    await updateWorkspace(storage, seeded.workspace.id, { storageEnabled: false });
    const codes = { name: 'Codes', steps: [{ id: 'c', module: 'codes', config: { mode: 'check' } }] };
    const saved = await expectDocumented(seeded.key, 'saveFlow', 'PUT', '/api/v1/flows/codes', codes);
    expect(saved.status).toBe(409);
    expect(saved.body.error).toMatchObject({ code: 'storage_disabled', path: '/steps/0/module' });
    const flowless = await expectDocumented(seeded.key, 'createDraw', 'POST', '/api/v1/flows/contest/draws', { count: 1 });
    expect(flowless.status).toBe(409);
  });
});

