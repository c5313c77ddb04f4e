import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestStorage, type TestStorage } from '../../support/test-database.js';
import { api, startTestServer } from '../../support/test-server.js';
import { OpenApiContract } from '../../support/openapi-contract.js';
import { saveTestFlow } from '../../support/flow-harness.js';
import type { RunningServer } from '../../../runtime/server.js';
import { createWorkspace, getWorkspace, type Workspace } from '../../../storage/workspace-repository.js';
import { issueApiKey } from '../../../storage/api-key-repository.js';
import { writeStoreRow } from '../../../storage/store-writer.js';
import { countStoreRows } from '../../../storage/store-reader.js';
import { getFlow } from '../../../storage/flow-repository.js';

let storage: TestStorage;
let server: RunningServer;
let contract: OpenApiContract;
let a: Workspace;
let b: Workspace;
let keyA: string;
let bRowId: string;
let bExportId: string;
const B_FLOW = 'only-in-b';
const B_EMAIL = 'bee@example.org';

/**
 * A request for every operation of the OpenAPI document, aimed at workspace B's resources.
 * A route added without a sample here fails the test, so no new route escapes the check.
 */
const SAMPLES: Record<string, { query?: string; body?: unknown }> = {
  getWorkspace: {},
  updateWorkspace: { body: { name: 'A renamed' } },
  listFlows: {},
  getFlow: {},
  saveFlow: { body: { name: 'A flow', steps: [{ id: 's', module: 'message', config: { text: 'x' } }] } },
  deleteFlow: {},
  closeFlow: {},
  createDraw: { body: { count: 1 } },
  listDraws: {},
  listDrawCommitments: {},
  commitDrawSeed: { body: {} },
  replayDraw: {},
  getInstantWinProof: {},
  addCodes: { body: { codes: ['A-CODE'] } },
  getCodeStats: {},
  listTables: {},
  listRows: {},
  deleteRow: {},
  deleteAllRows: { query: '?confirm=true' },
  createDownload: { body: { acceptTerms: true } },
  getSubject: { query: `?email=${B_EMAIL}` },
  eraseSubject: { query: `?email=${B_EMAIL}` },
  listAudit: {},
  listExportFields: { query: `?flow=${B_FLOW}` },
  listExports: {},
  createExport: { body: { name: 'x', source: { flow: B_FLOW }, fields: [{ field: 'form.contest_entry_hash_id' }], format: { type: 'csv' }, fileNamePattern: '{export}' } },
  getExport: {},
  replaceExport: { body: { name: 'x', source: { table: 'participations' }, fields: [{ field: 'row.id' }], format: { type: 'csv' }, fileNamePattern: '{export}' } },
  deleteExport: {},
  previewExport: { body: {} },
  listExportRuns: {},
  runExport: {},
  testExportDestination: {},
  setExternalFields: { body: { 'pop.status': 'stolen' } },
};

async function fingerprintB() {
  return JSON.stringify({
    workspace: await getWorkspace(storage, b.id),
    flow: await getFlow(storage.db, b.id, B_FLOW),
    counts: await countStoreRows(storage, b.id),
    rows: (await storage.db.selectFrom('store_participations').select(['id', 'data']).where('workspace_id', '=', b.id).execute()).map((r) => JSON.stringify(r)),
    exports: (await storage.db.selectFrom('exports' as never).selectAll().where('workspace_id' as never, '=', b.id as never).execute()).map((r) => JSON.stringify(r)),
    draws: (await sql<{ n: string }>`select count(*) as n from giveaway_draws where workspace_id = ${b.id}`.execute(storage.db)).rows[0]!.n,
    codes: (await sql<{ n: string }>`select count(*) as n from code_pool_entries where workspace_id = ${b.id}`.execute(storage.db)).rows[0]!.n,
  });
}

beforeAll(async () => {
  storage = await createTestStorage();
  server = await startTestServer(storage);
  contract = await OpenApiContract.fetch(server.url);
  a = await createWorkspace(storage, { name: 'A' });
  b = await createWorkspace(storage, { name: 'B' });
  keyA = (await issueApiKey(storage.db, a.id)).key;
  await saveTestFlow(storage, b, B_FLOW, { name: 'B flow', steps: [{ id: 's', module: 'message', config: { text: 'B' } }] });
  const row = await writeStoreRow(storage, b.id, { table: 'participations', moduleId: 'giveaway', defaultRetentionDays: 60, personal: { email: B_EMAIL }, subject: B_EMAIL });
  if (!row.stored) throw new Error('not stored');
  bRowId = row.id;
  const { createExport } = await import('../../../storage/export-repository.js');
  bExportId = (await createExport(storage, b.id, { name: 'B export', source: { flow: B_FLOW }, fields: [{ field: 'form.contest_entry_hash_id' }], format: { type: 'csv' }, fileNamePattern: '{export}', destination: { kind: 'local', directory: 'b' } }, null)).id;
});
afterAll(async () => {
  await server.close();
  await storage.destroy();
});

describe("workspace isolation on every route of the OpenAPI document", () => {
  it("never lets workspace A's key see or change workspace B", async () => {
    const before = await fingerprintB();
    const bFlowUuid = (await getFlow(storage.db, b.id, B_FLOW))!.id;
    expect(contract.operations.length).toBeGreaterThanOrEqual(Object.keys(SAMPLES).length);
    // PUT creates A's own flow under the same id, so it runs last: before it, every B id must 404.
    const ordered = [...contract.operations].sort((x, y) => Number(x.method === 'PUT') - Number(y.method === 'PUT'));
    for (const op of ordered) {
      const sample = SAMPLES[op.operationId];
      expect(sample, `no isolation sample for ${op.operationId}`).toBeDefined();
      const path = op.path
        .replace('{flowId}', B_FLOW)
        .replace('{stepId}', 's')
        .replace('{table}', 'participations')
        .replace('{rowId}', bRowId)
        .replace('{entryId}', bRowId)
        .replace('{drawId}', bRowId)
        .replace('{exportId}', bExportId);
      expect(path, `unknown path parameter in ${op.path}`).not.toMatch(/\{/);
      const response = await api(server.url, keyA, op.method, `${path}${sample!.query ?? ''}`, sample!.body);
      const text = JSON.stringify(response.body ?? '');
      expect(response.status, `${op.operationId} ${text}`).toBeLessThan(500);
      for (const secret of [b.id, bRowId, bFlowUuid, B_EMAIL]) expect(text, op.operationId).not.toContain(secret);
      if (op.path.includes('{flowId}') && op.method !== 'PUT') expect(response.status, op.operationId).toBe(404);
      if (/\{(rowId|entryId|exportId)\}/.test(op.path)) expect(response.status, op.operationId).toBe(404);
      expect(await fingerprintB(), `${op.operationId} changed workspace B`).toBe(before);
    }
  });
});
