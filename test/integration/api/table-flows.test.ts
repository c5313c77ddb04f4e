import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { createTestStorage, type TestStorage } from '../../support/test-database.js';
import { api, startTestServer } from '../../support/test-server.js';
import { extractWith7z } from '../../support/seven-zip.js';
import { OpenApiContract } from '../../support/openapi-contract.js';
import type { RunningServer } from '../../../runtime/server.js';
import { createWorkspace, type Workspace } from '../../../storage/workspace-repository.js';
import { issueApiKey } from '../../../storage/api-key-repository.js';
import { writeStoreRow } from '../../../storage/store-batch-writer.js';

let storage: TestStorage;
let server: RunningServer;
let contract: OpenApiContract;
let ws: Workspace;
let key: string;
const flowUuid: Record<string, string> = {};

const flowDoc = (name: string) => ({ name, start: 'hello', steps: [{ id: 'hello', module: 'message', config: { text: 'Hi' } }] });

/** Calls the API and checks the answer against the OpenAPI document. */
async function call(operationId: string, method: string, route: string, body?: unknown) {
  const response = await api(server.url, key, method, `/api/v1${route}`, body);
  expect(contract.check(operationId, response.status, response.body), `${operationId} ${response.status} ${JSON.stringify(response.body)}`).toEqual([]);
  return response;
}

/** `count` consents of one flow (or of none), each with its own email. */
async function consents(flow: string | null, count: number): Promise<void> {
  for (let i = 0; i < count; i += 1) {
    await writeStoreRow(storage, ws.id, {
      table: 'consents', moduleId: 'consent', stepId: 'optin', flowId: flow === null ? null : flowUuid[flow]!, defaultRetentionDays: 60,
      data: { is_optin: 1 }, personal: { email: `${flow ?? 'none'}-${i}@example.org` }, subject: `${flow ?? 'none'}-${i}@example.org`,
    });
  }
}

beforeAll(async () => {
  storage = await createTestStorage();
  server = await startTestServer(storage);
  contract = await OpenApiContract.fetch(server.url);
  ws = await createWorkspace(storage, { name: 'Two flows' });
  key = (await issueApiKey(storage.db, ws.id)).key;
  for (const [slug, name] of [['spring', 'Spring game'], ['autumn', 'Autumn game'], ['gone', 'Gone game']] as const) {
    flowUuid[slug] = (await call('saveFlow', 'PUT', `/flows/${slug}`, flowDoc(name))).body.uuid;
  }
  await consents('spring', 3);
  await consents('autumn', 2);
  await consents('gone', 1);
  await consents(null, 1);
  expect((await call('deleteFlow', 'DELETE', '/flows/gone')).status).toBe(204);
});
afterAll(async () => {
  await server?.close();
  await storage?.destroy();
});

describe("a table's rows, by the flow that stored them", () => {
  it('lists the flows with rows in a table, by name, a deleted flow last; the rows can be read for one flow', async () => {
    const { body } = await call('listTableFlows', 'GET', '/tables/consents/flows');
    expect(body.flows).toEqual([
      { flowId: flowUuid.autumn, id: 'autumn', name: 'Autumn game', rows: 2 },
      { flowId: flowUuid.spring, id: 'spring', name: 'Spring game', rows: 3 },
      { flowId: flowUuid.gone, id: null, name: null, rows: 1 },
    ]);
    expect((await call('listTableFlows', 'GET', '/tables/winners/flows')).body.flows).toEqual([]);
    const spring = await call('listRows', 'GET', `/tables/consents/rows?flowId=${flowUuid.spring}`);
    expect(spring.body.rows.map((r: { personal: { email: string } }) => r.personal.email).sort()).toEqual(['spring-0@example.org', 'spring-1@example.org', 'spring-2@example.org']);
    const bad = await call('listTableFlows', 'GET', '/tables/nope/flows');
    expect(bad.status).toBe(400);
  });

  it("downloads only one flow's rows, in the AES-256 ZIP, with the terms accepted", async () => {
    const link = await call('createDownload', 'POST', '/tables/consents/downloads', { acceptTerms: true, flowId: flowUuid.autumn });
    expect(link.status).toBe(201);
    const zip = Buffer.from(await (await fetch(link.body.url)).arrayBuffer());
    const opened = await extractWith7z(zip, 'consents.csv', link.body.password);
    expect(opened.code).toBe(0);
    const rows = parse(opened.text!, { columns: true }) as Array<Record<string, string>>;
    expect(rows.map((r) => r.email).sort()).toEqual(['autumn-0@example.org', 'autumn-1@example.org']);
    expect(new Set(rows.map((r) => r.flow_id))).toEqual(new Set([flowUuid.autumn]));
    const badFlow = await call('createDownload', 'POST', '/tables/consents/downloads', { acceptTerms: true, flowId: 'spring' });
    expect(badFlow.status).toBe(400);
    expect(badFlow.body.error.path).toBe('/flowId');
  });

  it("deletes every row one flow stored, and only those; the audit log names the flow", async () => {
    const deleted = await call('deleteAllRows', 'DELETE', `/tables/consents/rows?confirm=true&flowId=${flowUuid.spring}`);
    expect(deleted.body).toEqual({ deleted: 3 });
    const left = (await call('listTableFlows', 'GET', '/tables/consents/flows')).body.flows.map((f: { id: string | null; rows: number }) => [f.id, f.rows]);
    expect(left).toEqual([['autumn', 2], [null, 1]]);
    expect((await call('listTables', 'GET', '/tables')).body.tables.find((t: { name: string }) => t.name === 'consents').rows).toBe(4);
    const audit = await call('listAudit', 'GET', '/audit?action=rows.deleted_all');
    expect(audit.body.entries[0]).toMatchObject({ action: 'rows.deleted_all', target: `consents of flow ${flowUuid.spring}`, counts: { rows: 3 } });
  });
});
