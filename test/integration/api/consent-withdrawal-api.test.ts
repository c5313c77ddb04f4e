import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestStorage, type TestStorage } from '../../support/test-database.js';
import { api, startTestServer } from '../../support/test-server.js';
import { connectChat } from '../../support/chat-client.js';
import { saveTestFlow } from '../../support/flow-harness.js';
import { startWebhookReceiver, undocumentedDelivery } from '../../support/webhook-receiver.js';
import { waitUntil } from '../../support/wait-until.js';
import { OpenApiContract } from '../../support/openapi-contract.js';
import type { RunningServer } from '../../../runtime/server.js';
import { createWorkspace, type Workspace } from '../../../storage/workspace-repository.js';
import { issueApiKey } from '../../../storage/api-key-repository.js';

const ORIGIN = 'https://shop.example';
/** Private targets allowed (the receiver is on 127.0.0.1), a fast drain. */
const ENV = { PARLEY_WEBHOOKS_ALLOW_PRIVATE: 'true', PARLEY_WEBHOOK_DRAIN_MS: '100' };

let storage: TestStorage;
let server: RunningServer;
let workspace: Workspace;
let key: string;
let partner: Awaited<ReturnType<typeof startWebhookReceiver>>;

beforeAll(async () => {
  storage = await createTestStorage();
  server = await startTestServer(storage, ENV);
  workspace = await createWorkspace(storage, { name: 'Letters', allowedOrigins: [ORIGIN] });
  key = (await issueApiKey(storage.db, workspace.id)).key;
  partner = await startWebhookReceiver();
});
afterAll(async () => {
  await server.close();
  await partner.close();
  await storage.destroy();
});

const undocumented = (type: string, body: unknown) => undocumentedDelivery(server.url, type, body);

async function addEndpoint(url: string, body: Record<string, unknown>): Promise<{ id: string }> {
  const created = await api(server.url, key, 'POST', '/api/v1/webhooks', { url, ...body });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return { id: created.body.webhook.id };
}

/* Withdrawing consent through the admin API, as an owner's tool or a partner's CRM does: the partner hears it, exports and the audit show it. */
describe('POST /subjects/consent-withdrawal', () => {
  it('withdraws the consents an email gave through the API: partners hear consent.withdrawn, exports read the opt-in as withdrawn, a second call finds none', async () => {
    await saveTestFlow(storage, workspace, 'letters', {
      name: 'Letters',
      steps: [
        { id: 'email', module: 'email-capture', config: { question: 'Email?' }, next: 'optin' },
        { id: 'optin', module: 'consent', config: { label: 'Send me letters' } },
      ],
    });
    for (const [email, accepted] of [['cleo@example.org', true], ['dan@example.org', true], ['eve@example.org', false]] as const) {
      const chat = await connectChat(server.url, { workspace: workspace.id, flow: 'letters' }, { origin: ORIGIN });
      expect((await chat.reply(email)).ok).toBe(true);
      expect((await chat.reply(accepted)).ok).toBe(true);
      chat.close();
    }
    const endpoint = await addEndpoint(partner.url, { events: ['consent.withdrawn'], includePersonal: true });
    const contract = await OpenApiContract.fetch(server.url);

    const withdrawn = await api(server.url, key, 'POST', '/api/v1/subjects/consent-withdrawal', { email: ' Cleo@Example.org ', flow: 'letters' });
    expect(withdrawn).toEqual({ status: 200, body: { withdrawn: 1 } });
    expect(contract.check('withdrawSubjectConsents', 200, withdrawn.body)).toEqual([]);
    await waitUntil(() => partner.requests.length >= 1, { what: 'the partner to hear the withdrawal', timeoutMs: 30_000 });
    const [event] = partner.requests.map((r) => JSON.parse(r.rawBody.toString('utf8')));
    expect(event).toMatchObject({
      type: 'consent.withdrawn',
      data: { flow: { slug: 'letters' }, consent: { table: 'consents', stepId: 'optin', data: { is_optin: 0, withdrawn_level: 1, withdrawn_at: expect.any(String) }, personal: { email: 'cleo@example.org' } } },
    });
    expect(await undocumented('consent.withdrawn', event)).toEqual([]);

    // Nothing left to withdraw: already withdrawn, declined, or never given.
    for (const email of ['cleo@example.org', 'eve@example.org', 'nobody@example.org']) {
      expect((await api(server.url, key, 'POST', '/api/v1/subjects/consent-withdrawal', { email })).body).toEqual({ withdrawn: 0 });
    }
    const refused = await api(server.url, key, 'POST', '/api/v1/subjects/consent-withdrawal', { email: 'not an address' });
    expect([refused.status, refused.body.error.code, refused.body.error.path]).toEqual([400, 'validation_failed', '/email']);
    expect((await api(server.url, key, 'POST', '/api/v1/subjects/consent-withdrawal', { email: 'dan@example.org', flow: 'nowhere' })).status).toBe(404);
    const reader = await api(server.url, key, 'POST', '/api/v1/api-keys', { name: 'Reporting', access: 'read' });
    const readOnly = await api(server.url, reader.body.key, 'POST', '/api/v1/subjects/consent-withdrawal', { email: 'dan@example.org' });
    expect([readOnly.status, readOnly.body.error.code]).toEqual([403, 'forbidden']);

    const created = await api(server.url, key, 'POST', '/api/v1/exports', {
      name: 'Opt-ins', source: { flow: 'letters' }, scope: 'entries',
      fields: [{ field: 'form.email', column: 'EMAIL' }, { field: 'form.is_optin', column: 'OPTIN' }, { field: 'form.withdrawn_at', column: 'WITHDRAWN' }],
      format: { type: 'csv', delimiter: ';' }, fileNamePattern: '{export}',
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const preview = await api(server.url, key, 'POST', `/api/v1/exports/${created.body.id}/preview`, {});
    expect(preview.body.rows.map((row: string[]) => [row[0], row[1], row[2] !== ''])).toEqual([
      ['cleo@example.org', '0', true], ['dan@example.org', '1', false], ['eve@example.org', '0', false],
    ]);
    const audit = await api(server.url, key, 'GET', '/api/v1/audit?action=subject.consents_withdrawn');
    expect(audit.body.entries.map((e: { counts: Record<string, number> }) => e.counts.withdrawn)).toEqual([0, 0, 0, 1]);
    expect((await api(server.url, key, 'DELETE', `/api/v1/webhooks/${endpoint.id}`)).status).toBe(204);
  });
});
