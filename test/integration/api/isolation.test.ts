import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestStorage, type TestStorage } from '../../support/test-database.js';
import { api, startTestServer } from '../../support/test-server.js';
import { OpenApiContract } from '../../support/openapi-contract.js';
import { sampleRequest } from '../../support/api-samples.js';
import { saveTestFlow } from '../../support/flow-harness.js';
import type { RunningServer } from '../../../runtime/server.js';
import { createWorkspace, getWorkspace, type Workspace } from '../../../storage/workspace-repository.js';
import { issueApiKey } from '../../../storage/api-key-repository.js';
import { writeStoreRow } from '../../../storage/store-batch-writer.js';
import { countStoreRows } from '../../../storage/store-reader.js';
import { getFlow } from '../../../storage/flow-repository.js';
import { createWebhookEndpoint } from '../../../storage/webhook-endpoint-repository.js';

let storage: TestStorage;
let server: RunningServer;
let contract: OpenApiContract;
let a: Workspace;
let b: Workspace;
let keyA: string;
let bRowId: string;
let bExportId: string;
let bWebhookId: string;
const B_FLOW = 'only-in-b';
const B_EMAIL = 'bee@example.org';

async function fingerprintB() {
  return JSON.stringify({
    workspace: await getWorkspace(storage, b.id),
    flow: await getFlow(storage.db, b.id, B_FLOW),
    counts: await countStoreRows(storage, b.id),
    rows: (await storage.db.selectFrom('store_participations').select(['id', 'data']).where('workspace_id', '=', b.id).execute()).map((r) => JSON.stringify(r)),
    exports: (await storage.db.selectFrom('exports' as never).selectAll().where('workspace_id' as never, '=', b.id as never).execute()).map((r) => JSON.stringify(r)),
    draws: (await sql<{ n: string }>`select count(*) as n from giveaway_draws where workspace_id = ${b.id}`.execute(storage.db)).rows[0]!.n,
    codes: (await sql<{ n: string }>`select count(*) as n from code_pool_entries where workspace_id = ${b.id}`.execute(storage.db)).rows[0]!.n,
    webhooks: (await sql`select * from webhook_endpoints where workspace_id = ${b.id}`.execute(storage.db)).rows.map((r) => JSON.stringify(r)),
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
  bWebhookId = (await createWebhookEndpoint(storage, b.id, { url: 'https://b.example.org/hook', description: 'B', events: ['participation.created'], includePersonal: true, enabled: true })).endpoint.id;
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
    // PUT creates A's own flow under the same id, so it runs last: before it, every B id must 404.
    const ordered = [...contract.operations].sort((x, y) => Number(x.method === 'PUT') - Number(y.method === 'PUT'));
    for (const op of ordered) {
      const sample = sampleRequest(op, { flowId: B_FLOW, stepId: 's', rowId: bRowId, exportId: bExportId, email: B_EMAIL, webhookId: bWebhookId });
      const response = await api(server.url, keyA, op.method, `${sample.path}${sample.query ?? ''}`, sample.body, sample.contentType);
      const text = JSON.stringify(response.body ?? '');
      expect(response.status, `${op.operationId} ${text}`).toBeLessThan(500);
      expect(contract.check(op.operationId, response.status, response.body), op.operationId).toEqual([]);
      for (const secret of [b.id, bRowId, bFlowUuid, B_EMAIL]) expect(text, op.operationId).not.toContain(secret);
      if (op.path.includes('{flowId}') && op.method !== 'PUT') expect(response.status, op.operationId).toBe(404);
      if (/\{(rowId|entryId|exportId|webhookId)\}/.test(op.path)) expect(response.status, op.operationId).toBe(404);
      expect(await fingerprintB(), `${op.operationId} changed workspace B`).toBe(before);
    }
  });
});
