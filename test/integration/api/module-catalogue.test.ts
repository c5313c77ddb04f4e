import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestStorage, type TestStorage } from '../../support/test-database.js';
import { api, startTestServer } from '../../support/test-server.js';
import { OpenApiContract } from '../../support/openapi-contract.js';
import type { RunningServer } from '../../../runtime/server.js';
import { createWorkspace } from '../../../storage/workspace-repository.js';
import { issueApiKey } from '../../../storage/api-key-repository.js';
import { MODULES } from '../../../modules/index.js';

let storage: TestStorage;
let server: RunningServer;
let contract: OpenApiContract;
let key: string;

beforeAll(async () => {
  storage = await createTestStorage();
  server = await startTestServer(storage);
  contract = await OpenApiContract.fetch(server.url);
  const ws = await createWorkspace(storage, { name: 'Catalogue' });
  key = (await issueApiKey(storage.db, ws.id)).key;
});
afterAll(async () => {
  await server.close();
  await storage.destroy();
});

interface CatalogueEntry {
  id: string;
  title: string;
  requiresStorage: boolean;
  configSchema: { properties: Record<string, { title: string; default?: unknown }> };
  tables: Array<{ table: string; holds: string; defaultRetentionDays: number; retentionDays: number }>;
}

async function catalogue(): Promise<CatalogueEntry[]> {
  const response = await api(server.url, key, 'GET', '/api/v1/modules');
  expect(response.status).toBe(200);
  expect(contract.check('listModules', 200, response.body)).toEqual([]);
  return response.body.modules;
}

describe('module catalogue API', () => {
  it('lists every module with its form schema, what it stores and for how long in this workspace', async () => {
    const modules = await catalogue();
    expect(modules.map((m) => m.id)).toEqual(MODULES.map((m) => m.id));
    const email = modules.find((m) => m.id === 'email-capture')!;
    expect(email.tables).toEqual([{ table: 'variables', holds: 'Email addresses', defaultRetentionDays: 60, retentionDays: 60 }]);
    expect(email.configSchema.properties.variable).toMatchObject({ title: 'Variable', default: 'email' });
    const giveaway = modules.find((m) => m.id === 'giveaway')!;
    expect(giveaway.requiresStorage).toBe(true);
    expect(giveaway.tables.map((t) => [t.table, t.retentionDays])).toEqual([['participations', 60], ['winners', 60], ['runtime_log', 7]]);
  });

  it('shows a per-module retention override of the workspace as the retention that applies', async () => {
    const patched = await api(server.url, key, 'PATCH', '/api/v1/workspace', { retention: { modules: { 'email-capture': { variables: 30 } } } });
    expect(patched.status).toBe(200);
    const modules = await catalogue();
    expect(modules.find((m) => m.id === 'email-capture')!.tables[0]).toMatchObject({ defaultRetentionDays: 60, retentionDays: 30 });
    expect(modules.find((m) => m.id === 'text-question')!.tables[0]).toMatchObject({ retentionDays: 60 });
  });

  it('needs an API key', async () => {
    expect((await api(server.url, undefined, 'GET', '/api/v1/modules')).status).toBe(401);
  });

  it('describes a flow step in the OpenAPI document as one of the modules, discriminated by module', async () => {
    const document = contract.document as unknown as {
      paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: { properties: { steps: { items: unknown } } } }> } }>>;
      components: { schemas: Record<string, { oneOf?: unknown[]; discriminator?: { propertyName: string; mapping: Record<string, string> }; properties?: Record<string, unknown> }> };
    };
    const body = document.paths['/api/v1/flows/{flowId}']!.put!.requestBody!.content['application/json']!.schema;
    expect(body.properties.steps.items).toEqual({ $ref: '#/components/schemas/FlowStep' });
    const step = document.components.schemas.FlowStep!;
    expect(step.discriminator!.propertyName).toBe('module');
    expect(Object.keys(step.discriminator!.mapping)).toEqual(MODULES.map((m) => m.id));
    expect(step.oneOf).toHaveLength(MODULES.length);
    const giveaway = document.components.schemas[step.discriminator!.mapping.giveaway!.split('/').pop()!]!;
    expect(giveaway.properties!.module).toEqual({ type: 'string', const: 'giveaway' });
    expect(giveaway.properties!.config).toEqual(MODULES.find((m) => m.id === 'giveaway')!.configSchema);
  });

  it('returns saved flows whose steps match the per-module step schemas', async () => {
    const flow = { name: 'Typed', steps: [{ id: 'hi', module: 'message', config: { text: 'Hi' }, next: 'mail' }, { id: 'mail', module: 'email-capture', config: { question: 'Email?' } }] };
    const saved = await api(server.url, key, 'PUT', '/api/v1/flows/typed', flow);
    expect(saved.status).toBe(201);
    expect(contract.check('saveFlow', 201, saved.body)).toEqual([]);
    expect(contract.check('saveFlow', 201, { ...saved.body, steps: [{ id: 'hi', module: 'message', config: { text: 5 } }] })).not.toEqual([]);
  });
});
