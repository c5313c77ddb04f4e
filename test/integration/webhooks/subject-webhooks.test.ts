import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestStorage, type TestStorage } from '../../support/test-database.js';
import { api, startTestServer } from '../../support/test-server.js';
import { connectChat } from '../../support/chat-client.js';
import { saveTestFlow } from '../../support/flow-harness.js';
import { WEBHOOK_TEST_ENV, startWebhookReceiver, undocumentedDelivery, type ReceivedRequest } from '../../support/webhook-receiver.js';
import { waitUntil } from '../../support/wait-until.js';
import type { RunningServer } from '../../../runtime/server.js';
import { createWorkspace, type Workspace } from '../../../storage/workspace-repository.js';
import { issueApiKey } from '../../../storage/api-key-repository.js';
import { verifySignature } from '../../../exporter/webhooks/webhook-signature.js';

// A partner that received people's entries hears when one of them is erased or anonymized, with
// the ids of the rows concerned (the ones its earlier deliveries carried) and nothing else.
const ORIGIN = 'https://shop.example';

let storage: TestStorage;
let server: RunningServer;
let workspace: Workspace;
let key: string;
let flowId: string;
let partner: Awaited<ReturnType<typeof startWebhookReceiver>>;
let secret: string;

beforeAll(async () => {
  storage = await createTestStorage();
  server = await startTestServer(storage, WEBHOOK_TEST_ENV);
  workspace = await createWorkspace(storage, { name: 'Requests', allowedOrigins: [ORIGIN] });
  key = (await issueApiKey(storage.db, workspace.id)).key;
  flowId = (await saveTestFlow(storage, workspace, 'contest', {
    name: 'Contest',
    steps: [
      { id: 'email', module: 'email-capture', config: { question: 'Email?' }, next: 'optin' },
      { id: 'optin', module: 'consent', config: { label: 'Send me news' }, next: 'entry' },
      { id: 'entry', module: 'giveaway', config: { frequency: 'once' }, next: 'bye' },
      { id: 'bye', module: 'message', config: { text: 'Good luck' } },
    ],
  })).id;
  partner = await startWebhookReceiver();
  const created = await api(server.url, key, 'POST', '/api/v1/webhooks', { url: partner.url, events: ['participation.created', 'subject.erased', 'subject.anonymized'] });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  secret = created.body.secret;
});
afterAll(async () => {
  await server?.close();
  await partner?.close();
  await storage?.destroy();
});

const bodyOf = (request: ReceivedRequest) => JSON.parse(request.rawBody.toString('utf8'));
const received = (type: string) => partner.requests.filter((r) => r.headers['parley-event'] === type);

/** A visitor completes the contest through the real chat gateway; the participation id the partner was sent. */
async function enter(email: string): Promise<string> {
  const before = received('participation.created').length;
  const chat = await connectChat(server.url, { workspace: workspace.id, flow: 'contest' }, { origin: ORIGIN });
  await chat.reply(email);
  const ack = await chat.reply(true);
  chat.close();
  expect(ack.ok && ack.turn.messages.map((m) => (m.kind === 'text' ? m.text : ''))).toContain('Good luck');
  await waitUntil(() => received('participation.created').length > before, { what: 'the participation to reach the partner', timeoutMs: 30_000 });
  return bodyOf(received('participation.created').at(-1)!).data.participation.id;
}

/** The one delivery of `type`, once it came: signed with the endpoint's secret and as the OpenAPI document says. */
async function deliveryOf(type: string): Promise<{ raw: string; body: { data: { flow: unknown; rows: Array<{ table: string; id: string; flowId: string | null }> } } }> {
  await waitUntil(() => received(type).length > 0, { what: `${type} to reach the partner`, timeoutMs: 30_000 });
  expect(received(type)).toHaveLength(1);
  const request = received(type)[0]!;
  const nowSeconds = Math.floor(storage.clock.now().getTime() / 1000);
  expect(verifySignature(String(request.headers['parley-signature']), secret, request.rawBody, { nowSeconds })).toBe(true);
  const body = bodyOf(request);
  expect(await undocumentedDelivery(server.url, type, body)).toEqual([]);
  return { raw: request.rawBody.toString('utf8'), body };
}

const total = (counts: Record<string, number>) => Object.entries(counts).filter(([name]) => name !== 'sessions').reduce((sum, [, n]) => sum + n, 0);

describe('webhooks about data subject requests', () => {
  it('tells the partner which rows an erasure removed, naming the entry it was sent, and nothing about the person', async () => {
    const ann = await enter('ann@example.org');
    const bob = await enter('bob@example.org');

    const erased = await api(server.url, key, 'POST', '/api/v1/subjects/erasure', { email: 'ann@example.org' });
    expect(erased.status, JSON.stringify(erased.body)).toBe(200);
    const { raw, body } = await deliveryOf('subject.erased');
    expect(body).toMatchObject({ type: 'subject.erased', workspace: workspace.id, data: { flow: null } });
    expect(body.data.rows).toContainEqual({ table: 'participations', id: ann, flowId });
    expect(body.data.rows.map((r) => r.table)).toEqual(expect.arrayContaining(['participations', 'consents', 'variables']));
    expect(body.data.rows).toHaveLength(total(erased.body.erased));
    expect(new Set(body.data.rows.map((r) => r.flowId))).toEqual(new Set([flowId]));
    expect(raw).not.toContain('ann@example.org');
    expect(raw).not.toContain(bob);
    // The outbox holds references only, as for every event.
    const stored = await sql`select * from webhook_events where type = 'subject.erased'`.execute(storage.db);
    expect(JSON.stringify(stored.rows)).not.toContain('ann@example.org');
  });

  it('tells the partner which rows an anonymization stripped; the rows are still there, without the person', async () => {
    const cy = await enter('cy@example.org');
    const anonymized = await api(server.url, key, 'POST', '/api/v1/subjects/anonymization', { email: 'cy@example.org' });
    expect(anonymized.status, JSON.stringify(anonymized.body)).toBe(200);
    const { raw, body } = await deliveryOf('subject.anonymized');
    expect(body.data.rows).toContainEqual({ table: 'participations', id: cy, flowId });
    expect(body.data.rows).toHaveLength(total(anonymized.body.anonymized));
    expect(raw).not.toContain('cy@example.org');
    const rows = await api(server.url, key, 'GET', `/api/v1/tables/participations/rows?flowId=${flowId}`);
    expect(rows.status).toBe(200);
    expect(rows.body.rows.find((r: { id: string }) => r.id === cy)).toMatchObject({ personal: null, data: { anonymized_at: expect.any(String) } });
  });

  it('records no event when the request found nobody, or when no endpoint listens for it', async () => {
    const count = async () => Number((await sql<{ n: string }>`select count(*) as n from webhook_events where type like 'subject.%'`.execute(storage.db)).rows[0]!.n);
    const before = await count();
    expect((await api(server.url, key, 'POST', '/api/v1/subjects/erasure', { email: 'nobody@example.org' })).status).toBe(200);
    expect(await count()).toBe(before);

    const listed = await api(server.url, key, 'GET', '/api/v1/webhooks');
    const endpoint = listed.body.webhooks[0];
    expect((await api(server.url, key, 'PATCH', `/api/v1/webhooks/${endpoint.id}`, { events: ['participation.created'] })).status).toBe(200);
    await enter('dee@example.org');
    const erased = await api(server.url, key, 'POST', '/api/v1/subjects/erasure', { email: 'dee@example.org' });
    expect(total(erased.body.erased)).toBeGreaterThan(0);
    expect(await count()).toBe(before);
  });
});
