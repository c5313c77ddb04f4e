import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestStorage, type TestStorage } from '../../support/test-database.js';
import { api, startTestServer } from '../../support/test-server.js';
import type { RunningServer } from '../../../runtime/server.js';
import { createWorkspace, type Workspace } from '../../../storage/workspace-repository.js';
import { issueApiKey } from '../../../storage/api-key-repository.js';
import { createWebhookEndpoint } from '../../../storage/webhook-endpoint-repository.js';
import { saveTestFlow } from '../../support/flow-harness.js';
import { startWebhookReceiver } from '../../support/webhook-receiver.js';
import { waitUntil } from '../../support/wait-until.js';

let storage: TestStorage;
let server: RunningServer;
let key: string;
let workspace: Workspace;

beforeAll(async () => {
  storage = await createTestStorage();
  // Private targets are not allowed here: the operator's default.
  server = await startTestServer(storage);
  workspace = await createWorkspace(storage, { name: 'Webhook API' });
  key = (await issueApiKey(storage.db, workspace.id)).key;
});
afterAll(async () => {
  await server.close();
  await storage.destroy();
});

const create = (body: unknown) => api(server.url, key, 'POST', '/api/v1/webhooks', body);

describe('the webhooks admin API', () => {
  it('refuses private, loopback, link-local, unique-local and unspecified targets at save, with the JSON path', async () => {
    const targets = [
      'http://127.0.0.1:8080/hook', 'http://10.1.2.3/hook', 'http://172.20.0.1/hook', 'http://192.168.1.1/hook', 'http://169.254.169.254/latest/meta-data',
      'http://0.0.0.0/hook', 'http://[::1]/hook', 'http://[fd12::1]/hook', 'http://[fe80::1]/hook', 'http://[::ffff:127.0.0.1]/hook',
      'http://[::ffff:a00:1]/hook', 'http://224.0.0.1/hook', 'http://localhost:3000/hook', 'https://api.localhost/hook', 'http://100.64.0.1/hook',
    ];
    for (const url of targets) {
      const refused = await create({ url, events: ['flow.closed'] });
      expect(refused.status, url).toBe(400);
      expect(refused.body.error, url).toMatchObject({ code: 'validation_failed', path: '/url' });
      expect(JSON.stringify(refused.body), url).not.toContain(new URL(url).hostname);
    }
    const list = await api(server.url, key, 'GET', '/api/v1/webhooks');
    expect(list.body.webhooks).toEqual([]);
  });

  it('answers invalid bodies with 400 and the path of the first error', async () => {
    const cases: Array<[unknown, string]> = [
      [{ url: 'ftp://hooks.example.org/x', events: ['flow.closed'] }, '/url'],
      [{ url: 'not a url', events: ['flow.closed'] }, '/url'],
      [{ url: 'https://user:pass@hooks.example.org/x', events: ['flow.closed'] }, '/url'],
      [{ url: 'https://hooks.example.org/x', events: ['flow.opened'] }, '/events/0'],
      [{ url: 'https://hooks.example.org/x', events: [] }, '/events'],
      [{ url: 'https://hooks.example.org/x', events: ['flow.closed', 'flow.closed'] }, '/events'],
      [{ url: 'https://hooks.example.org/x', events: ['flow.closed'], includePersonal: 'yes' }, '/includePersonal'],
      [{ url: 'https://hooks.example.org/x', events: ['flow.closed'], secret: 'mine' }, '/secret'],
      [{ url: `https://hooks.example.org/${'x'.repeat(2000)}`, events: ['flow.closed'] }, '/url'],
      [{ events: ['flow.closed'] }, '/url'],
    ];
    for (const [body, path] of cases) {
      const refused = await create(body);
      expect(refused.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(refused.body.error.path, JSON.stringify(body).slice(0, 80)).toBe(path);
    }
    expect((await api(server.url, key, 'GET', '/api/v1/webhooks/not-a-uuid')).body.error).toMatchObject({ code: 'validation_failed', path: '/params/webhookId' });
    expect((await api(server.url, key, 'GET', '/api/v1/webhooks/0190b3c4-0000-7000-8000-000000000000')).status).toBe(404);
    expect((await api(server.url, key, 'GET', '/api/v1/webhooks/0190b3c4-0000-7000-8000-000000000000/deliveries?limit=0')).body.error.path).toBe('/query/limit');
  });

  it('shows the secret once, changes, rotates and deletes endpoints, and audits every change', async () => {
    const created = await create({ url: 'https://hooks.example.org/parley', events: ['participation.created', 'flow.closed'], description: 'CRM' });
    expect(created.status).toBe(201);
    const { webhook, secret } = created.body;
    expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(webhook).toMatchObject({ url: 'https://hooks.example.org/parley', description: 'CRM', events: ['participation.created', 'flow.closed'], includePersonal: false, enabled: true });

    const listed = await api(server.url, key, 'GET', '/api/v1/webhooks');
    expect(listed.body).toEqual({ webhooks: [webhook], events: ['participation.created', 'consent.given', 'consent.declined', 'consent.confirmed', 'consent.withdrawn', 'instant_win.won', 'giveaway.drawn', 'flow.closed', 'file.received', 'loyalty.card_completed', 'quiz.completed', 'rating.given', 'subject.erased', 'subject.anonymized'] });
    expect(JSON.stringify(listed.body)).not.toContain(secret);

    const patched = await api(server.url, key, 'PATCH', `/api/v1/webhooks/${webhook.id}`, { events: ['giveaway.drawn'], enabled: false, includePersonal: true });
    expect(patched.body).toMatchObject({ id: webhook.id, url: webhook.url, events: ['giveaway.drawn'], enabled: false, includePersonal: true });
    expect((await api(server.url, key, 'PATCH', `/api/v1/webhooks/${webhook.id}`, {})).body.error).toMatchObject({ code: 'validation_failed' });
    expect((await api(server.url, key, 'PATCH', `/api/v1/webhooks/${webhook.id}`, { url: 'http://10.0.0.5/' })).body.error.path).toBe('/url');

    const rotated = await api(server.url, key, 'POST', `/api/v1/webhooks/${webhook.id}/secret`);
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(secret);

    const deliveries = await api(server.url, key, 'GET', `/api/v1/webhooks/${webhook.id}/deliveries?status=failed`);
    expect(deliveries).toEqual({ status: 200, body: { deliveries: [] } });

    expect((await api(server.url, key, 'DELETE', `/api/v1/webhooks/${webhook.id}`)).status).toBe(204);
    expect((await api(server.url, key, 'DELETE', `/api/v1/webhooks/${webhook.id}`)).status).toBe(404);

    const audit = await api(server.url, key, 'GET', '/api/v1/audit');
    const actions = audit.body.entries.filter((e: { target: string }) => e.target === webhook.id).map((e: { action: string }) => e.action);
    expect(actions.sort()).toEqual(['webhook.created', 'webhook.deleted', 'webhook.secret_rotated', 'webhook.updated']);
    expect(JSON.stringify(audit.body)).not.toContain(secret);
  });

  it('describes the admin routes and every delivery (payload and signature headers) in the OpenAPI document', async () => {
    const document = (await api(server.url, undefined, 'GET', '/api/v1/openapi.json')).body;
    expect(Object.keys(document.paths).filter((p) => p.startsWith('/api/v1/webhooks')).sort()).toEqual([
      '/api/v1/webhooks', '/api/v1/webhooks/{webhookId}', '/api/v1/webhooks/{webhookId}/deliveries', '/api/v1/webhooks/{webhookId}/secret',
    ]);
    expect(Object.keys(document.webhooks)).toEqual(['participation.created', 'consent.given', 'consent.declined', 'consent.confirmed', 'consent.withdrawn', 'instant_win.won', 'giveaway.drawn', 'flow.closed', 'file.received', 'loyalty.card_completed', 'quiz.completed', 'rating.given', 'subject.erased', 'subject.anonymized']);
    const delivery = document.webhooks['participation.created'].post;
    expect(delivery.parameters.map((p: { name: string }) => p.name)).toEqual(['Parley-Signature', 'Parley-Event', 'Parley-Delivery', 'Parley-Attempt']);
    expect(delivery.requestBody.content['application/json'].schema.required).toEqual(['id', 'type', 'createdAt', 'workspace', 'data']);
  });

  it('refuses at delivery, after resolution, a target that resolves to a private address (an endpoint stored before the rules, or DNS rebinding)', async () => {
    const receiver = await startWebhookReceiver();
    try {
      const port = new URL(receiver.url).port;
      // Written past the API's save check, as a name that resolved elsewhere when it was saved would be.
      const base = { description: '', events: ['flow.closed'] as const, includePersonal: false, enabled: true };
      const byName = await createWebhookEndpoint(storage, workspace.id, { ...base, url: `http://localhost:${port}/hook` });
      const byAddress = await createWebhookEndpoint(storage, workspace.id, { ...base, url: `http://127.0.0.1:${port}/hook` });
      await saveTestFlow(storage, workspace, 'short', { name: 'Short', steps: [{ id: 's', module: 'message', config: { text: 'Hi' } }] });
      expect((await api(server.url, key, 'POST', '/api/v1/flows/short/close')).status).toBe(200);
      for (const endpoint of [byName.endpoint, byAddress.endpoint]) {
        const delivery = await waitUntil(async () => {
          const [first] = (await api(server.url, key, 'GET', `/api/v1/webhooks/${endpoint.id}/deliveries`)).body.deliveries;
          return first?.attempts >= 1 && first.lastError ? first : undefined;
        }, { what: 'a refused attempt' });
        expect(delivery).toMatchObject({ eventType: 'flow.closed', status: 'retrying', responseStatus: null });
        expect(delivery.lastError).toMatch(/^Refused/);
      }
      expect(receiver.requests).toEqual([]);
    } finally {
      await receiver.close();
    }
  });
});
