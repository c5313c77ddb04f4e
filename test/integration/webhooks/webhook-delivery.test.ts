import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestStorage, type TestStorage } from '../../support/test-database.js';
import { api, startTestServer } from '../../support/test-server.js';
import { connectChat } from '../../support/chat-client.js';
import { saveTestFlow } from '../../support/flow-harness.js';
import { WEBHOOK_TEST_ENV, startWebhookReceiver, startHoldingReceiver, undocumentedDelivery } from '../../support/webhook-receiver.js';
import { waitUntil } from '../../support/wait-until.js';
import type { RunningServer } from '../../../runtime/server.js';
import { createWorkspace, type Workspace } from '../../../storage/workspace-repository.js';
import { issueApiKey } from '../../../storage/api-key-repository.js';
import { verifySignature } from '../../../exporter/webhooks/webhook-signature.js';
import { samplePng } from '../../support/sample-files.js';
import { fileUploadPath } from '../../../core/chat-protocol.js';

const ORIGIN = 'https://shop.example';

let storage: TestStorage;
let server: RunningServer;
let workspace: Workspace;
let key: string;
const receivers: Array<{ close(): Promise<void> }> = [];

beforeAll(async () => {
  storage = await createTestStorage();
  server = await startTestServer(storage, WEBHOOK_TEST_ENV);
  workspace = await createWorkspace(storage, { name: 'Hooks', allowedOrigins: [ORIGIN] });
  key = (await issueApiKey(storage.db, workspace.id)).key;
  await saveTestFlow(storage, workspace, 'contest', {
    name: 'Contest',
    steps: [
      { id: 'email', module: 'email-capture', config: { question: 'Email?' }, next: 'entry' },
      { id: 'entry', module: 'giveaway', config: { frequency: 'once' }, next: 'bye' },
      { id: 'bye', module: 'message', config: { text: 'Good luck' } },
    ],
  });
});
afterAll(async () => {
  await server.close();
  for (const receiver of receivers) await receiver.close();
  await storage.destroy();
});

async function receiver(answers: readonly number[] = []) {
  const started = await startWebhookReceiver(answers);
  receivers.push(started);
  return started;
}

async function addEndpoint(url: string, body: Record<string, unknown> = {}): Promise<{ id: string; secret: string }> {
  const created = await api(server.url, key, 'POST', '/api/v1/webhooks', { url, events: ['participation.created'], ...body });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return { id: created.body.webhook.id, secret: created.body.secret };
}

/** A visitor completes the contest through the real chat gateway. */

async function completeContest(email: string): Promise<void> {
  const chat = await connectChat(server.url, { workspace: workspace.id, flow: 'contest' }, { origin: ORIGIN });
  const ack = await chat.reply(email);
  chat.close();
  expect(ack.ok && ack.turn.messages.map((m) => (m.kind === 'text' ? m.text : ''))).toContain('Good luck');
}

describe('signed webhooks, delivered to a real HTTP receiver', () => {
  it('POSTs a signed participation.created after a visitor completes a flow; personal fields only with the opt-in; jobs carry ids only', async () => {
    const plain = await receiver();
    const personal = await receiver();
    const plainEndpoint = await addEndpoint(plain.url);
    const personalEndpoint = await addEndpoint(personal.url, { includePersonal: true });
    const shown = await api(server.url, key, 'GET', `/api/v1/webhooks/${plainEndpoint.id}`);
    expect(JSON.stringify(shown.body)).not.toContain(plainEndpoint.secret);

    await completeContest('visitor@example.org');
    await waitUntil(() => plain.requests.length >= 1 && personal.requests.length >= 1, { what: 'both receivers to get the event', timeoutMs: 30_000 });

    const [request] = plain.requests;
    expect(request!.method).toBe('POST');
    expect(request!.headers['content-type']).toBe('application/json');
    const signature = String(request!.headers['parley-signature']);
    expect(signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    const nowSeconds = Math.floor(storage.clock.now().getTime() / 1000);
    expect(verifySignature(signature, plainEndpoint.secret, request!.rawBody, { nowSeconds })).toBe(true);
    expect(verifySignature(signature, personalEndpoint.secret, request!.rawBody, { nowSeconds })).toBe(false);
    expect(verifySignature(signature, plainEndpoint.secret, Buffer.concat([request!.rawBody, Buffer.from(' ')]), { nowSeconds })).toBe(false);

    const body = JSON.parse(request!.rawBody.toString('utf8'));
    expect(body).toMatchObject({ type: 'participation.created', workspace: workspace.id, data: { flow: { slug: 'contest' }, participation: { table: 'participations', moduleId: 'giveaway', stepId: 'entry' } } });
    expect(Object.keys(body).sort()).toEqual(['createdAt', 'data', 'id', 'type', 'workspace']);
    expect(request!.rawBody.toString('utf8')).not.toContain('visitor@example.org');
    expect(body.data.participation).not.toHaveProperty('personal');
    expect(request!.headers['parley-delivery']).toMatch(/^[0-9a-f-]{36}$/);
    expect(request!.headers['parley-event']).toBe('participation.created');

    // The body is what the OpenAPI document's `webhooks` entry says.
    for (const received of [...plain.requests, ...personal.requests]) expect(await undocumentedDelivery(server.url, 'participation.created', JSON.parse(received.rawBody.toString('utf8')))).toEqual([]);

    const withPersonal = JSON.parse(personal.requests[0]!.rawBody.toString('utf8'));
    expect(withPersonal.id).toBe(body.id);
    expect(withPersonal.data.participation.personal).toMatchObject({ email: 'visitor@example.org' });
    expect(verifySignature(String(personal.requests[0]!.headers['parley-signature']), personalEndpoint.secret, personal.requests[0]!.rawBody, { nowSeconds })).toBe(true);

    // Job payloads hold the delivery id and nothing else; the outbox holds references only.
    const jobs = await sql<{ data: Record<string, unknown> }>`select data from pgboss.job where name = 'webhook-delivery'`.execute(storage.db);
    expect(jobs.rows.length).toBeGreaterThanOrEqual(2);
    for (const job of jobs.rows) expect(Object.keys(job.data)).toEqual(['deliveryId']);
    const stored = await sql`select * from webhook_events`.execute(storage.db);
    const log = await sql`select * from webhook_deliveries`.execute(storage.db);
    for (const text of [JSON.stringify(jobs.rows), JSON.stringify(stored.rows), JSON.stringify(log.rows)]) expect(text).not.toContain('visitor@example.org');

    for (const endpoint of [plainEndpoint, personalEndpoint]) expect((await api(server.url, key, 'DELETE', `/api/v1/webhooks/${endpoint.id}`)).status).toBe(204);
  });

  it('POSTs file.received when a participant sends a file; the partner fetches the bytes with its API key', async () => {
    await saveTestFlow(storage, workspace, 'receipts', {
      name: 'Receipts',
      steps: [{ id: 'receipt', module: 'file-upload', config: { question: 'Your receipt?', variable: 'receipt', accept: ['image/png'] } }],
    });
    const partner = await receiver();
    const endpoint = await addEndpoint(partner.url, { events: ['file.received'], includePersonal: true });
    const chat = await connectChat(server.url, { workspace: workspace.id, flow: 'receipts' }, { origin: ORIGIN });
    const png = samplePng(3);
    const sent = await fetch(`${server.url}${fileUploadPath(workspace.id, 'receipts')}`, {
      method: 'POST',
      body: new Uint8Array(png),
      headers: { origin: ORIGIN, authorization: `Bearer ${chat.session.resumeToken}`, 'content-type': 'image/png', 'x-parley-message-id': 'file-1', 'x-parley-file-name': 'till.png' },
    });
    expect(sent.status).toBe(200);
    chat.close();
    await waitUntil(() => partner.requests.length >= 1, { what: 'the partner to get the event', timeoutMs: 30_000 });

    const [request] = partner.requests;
    expect(request!.headers['parley-event']).toBe('file.received');
    expect(verifySignature(String(request!.headers['parley-signature']), endpoint.secret, request!.rawBody, { nowSeconds: Math.floor(storage.clock.now().getTime() / 1000) })).toBe(true);
    const body = JSON.parse(request!.rawBody.toString('utf8'));
    expect(body).toMatchObject({
      type: 'file.received',
      data: { flow: { slug: 'receipts' }, file: { table: 'files', moduleId: 'file-upload', stepId: 'receipt', data: { variable: 'receipt', type: 'image/png', bytes: png.length }, personal: { name: 'till.png' } } },
    });
    expect(request!.rawBody.includes(png.subarray(0, 8))).toBe(false);
    expect(await undocumentedDelivery(server.url, 'file.received', body)).toEqual([]);

    const file = await fetch(`${server.url}/api/v1/tables/files/rows/${body.data.file.id}/file`, { headers: { authorization: `Bearer ${key}` } });
    expect(Buffer.from(await file.arrayBuffer()).equals(png)).toBe(true);
    expect((await api(server.url, key, 'DELETE', `/api/v1/webhooks/${endpoint.id}`)).status).toBe(204);
  });

  it('POSTs loyalty.card_completed for the stamp that fills a card, and nothing for the stamps before it', async () => {
    await saveTestFlow(storage, workspace, 'card', {
      name: 'Card',
      steps: [
        { id: 'email', module: 'email-capture', config: { question: 'Email?' }, next: 'stamp' },
        { id: 'stamp', module: 'loyalty', config: { goal: 2, frequency: 'unlimited' } },
      ],
    });
    const partner = await receiver();
    const endpoint = await addEndpoint(partner.url, { events: ['loyalty.card_completed'] });
    for (const visit of [1, 2]) {
      const chat = await connectChat(server.url, { workspace: workspace.id, flow: 'card' }, { origin: ORIGIN });
      const ack = await chat.reply('regular@example.org');
      chat.close();
      expect(ack.ok && ack.turn.messages).toEqual([
        { kind: 'text', text: visit === 1 ? 'Stamp collected: 1 of 2 on your card' : 'Your card is full: thank you for your loyalty!' },
        { kind: 'stamps', filled: visit, goal: 2 },
      ]);
    }
    await waitUntil(() => partner.requests.length >= 1, { what: 'the partner to get the event', timeoutMs: 30_000 });
    const body = JSON.parse(partner.requests[0]!.rawBody.toString('utf8'));
    expect(body).toMatchObject({ type: 'loyalty.card_completed', data: { flow: { slug: 'card' }, stamp: { table: 'loyalty', moduleId: 'loyalty', stepId: 'stamp', data: { stamp: 2, goal: 2, cards: 1, completed: true } } } });
    expect(partner.requests[0]!.rawBody.toString('utf8')).not.toContain('regular@example.org');
    expect(await undocumentedDelivery(server.url, 'loyalty.card_completed', body)).toEqual([]);
    const events = await sql<{ type: string }>`select type from webhook_events where type like 'loyalty.%'`.execute(storage.db);
    expect(events.rows).toEqual([{ type: 'loyalty.card_completed' }]);
    expect((await api(server.url, key, 'DELETE', `/api/v1/webhooks/${endpoint.id}`)).status).toBe(204);
  });

  it('POSTs consent.given and consent.declined as participants answer a consent, with the email only to an endpoint that opted in', async () => {
    await saveTestFlow(storage, workspace, 'news', {
      name: 'Newsletter',
      steps: [
        { id: 'email', module: 'email-capture', config: { question: 'Email?' }, next: 'optin' },
        { id: 'optin', module: 'consent', config: { label: 'Send me the newsletter' } },
      ],
    });
    const partner = await receiver();
    const endpoint = await addEndpoint(partner.url, { events: ['consent.given', 'consent.declined'], includePersonal: true });
    for (const [email, accepted] of [['ann@example.org', true], ['bob@example.org', false]] as const) {
      const chat = await connectChat(server.url, { workspace: workspace.id, flow: 'news' }, { origin: ORIGIN });
      expect((await chat.reply(email)).ok).toBe(true);
      expect((await chat.reply(accepted)).ok).toBe(true);
      chat.close();
    }
    await waitUntil(() => partner.requests.length >= 2, { what: 'the partner to get both answers', timeoutMs: 30_000 });
    const bodies = partner.requests.map((r) => JSON.parse(r.rawBody.toString('utf8'))).sort((a, b) => a.type.localeCompare(b.type));
    expect(bodies).toMatchObject([
      { type: 'consent.declined', data: { flow: { slug: 'news' }, consent: { table: 'consents', moduleId: 'consent', stepId: 'optin', data: { is_optin: 0 }, personal: { email: 'bob@example.org' } } } },
      { type: 'consent.given', data: { flow: { slug: 'news' }, consent: { table: 'consents', data: { is_optin: 1, double_opt_in: false }, personal: { email: 'ann@example.org' } } } },
    ]);
    for (const body of bodies) expect(await undocumentedDelivery(server.url, body.type, body)).toEqual([]);
    expect((await api(server.url, key, 'DELETE', `/api/v1/webhooks/${endpoint.id}`)).status).toBe(204);
  });

  it('POSTs quiz.completed with the score and answers when a quiz is finished, and nothing for a quiz left halfway', async () => {
    await saveTestFlow(storage, workspace, 'trivia', {
      name: 'Trivia',
      steps: [{
        id: 'quiz',
        module: 'quiz',
        config: {
          feedback: false,
          questions: [
            { id: 'sum', text: 'Two and two?', options: [{ id: 'four', label: '4', correct: true }, { id: 'five', label: '5' }] },
            { id: 'sky', text: 'The sky?', options: [{ id: 'blue', label: 'Blue', correct: true }, { id: 'green', label: 'Green' }] },
          ],
        },
      }],
    });
    const partner = await receiver();
    const endpoint = await addEndpoint(partner.url, { events: ['quiz.completed'] });
    const halfway = await connectChat(server.url, { workspace: workspace.id, flow: 'trivia' }, { origin: ORIGIN });
    const first = await halfway.reply('four');
    expect(first.ok && first.turn.messages).toEqual([{ kind: 'text', text: 'Question 2 of 2\nThe sky?' }]);
    halfway.close();
    const finished = await connectChat(server.url, { workspace: workspace.id, flow: 'trivia' }, { origin: ORIGIN });
    expect((await finished.reply('four')).ok).toBe(true);
    expect((await finished.reply('green')).ok).toBe(true);
    finished.close();
    await waitUntil(() => partner.requests.length >= 1, { what: 'the partner to get the event', timeoutMs: 30_000 });
    const body = JSON.parse(partner.requests[0]!.rawBody.toString('utf8'));
    expect(body).toMatchObject({
      type: 'quiz.completed',
      data: { flow: { slug: 'trivia' }, quiz: { table: 'variables', moduleId: 'quiz', stepId: 'quiz', data: { score: 1, total: 2, passed: false, answer_sum: 'four', answer_sky: 'green' } } },
    });
    expect(await undocumentedDelivery(server.url, 'quiz.completed', body)).toEqual([]);
    const events = await sql<{ type: string }>`select type from webhook_events where type like 'quiz.%'`.execute(storage.db);
    expect(events.rows).toEqual([{ type: 'quiz.completed' }]);
    expect((await api(server.url, key, 'DELETE', `/api/v1/webhooks/${endpoint.id}`)).status).toBe(204);
  });

  it('POSTs rating.given for each rating with its level, so a helpdesk can follow up the low ones', async () => {
    await saveTestFlow(storage, workspace, 'stay', {
      name: 'Stay',
      steps: [{ id: 'nps', module: 'rating', config: { question: 'Recommend us?', scale: 'nps' } }],
    });
    const partner = await receiver();
    const endpoint = await addEndpoint(partner.url, { events: ['rating.given'] });
    for (const rating of ['2', '9']) {
      const chat = await connectChat(server.url, { workspace: workspace.id, flow: 'stay' }, { origin: ORIGIN });
      expect((await chat.reply(rating)).ok).toBe(true);
      chat.close();
    }
    await waitUntil(() => partner.requests.length >= 2, { what: 'the partner to get both ratings', timeoutMs: 30_000 });
    const bodies = partner.requests.map((r) => JSON.parse(r.rawBody.toString('utf8')));
    const given = bodies.map((b) => b.data.rating.data).sort((a, b) => a.rating - b.rating);
    expect(given).toMatchObject([{ rating: 2, scale: 'nps', low: true, high: false }, { rating: 9, scale: 'nps', low: false, high: true }]);
    expect(bodies.every((b) => b.type === 'rating.given' && b.data.flow.slug === 'stay' && b.data.rating.moduleId === 'rating')).toBe(true);
    for (const body of bodies) expect(await undocumentedDelivery(server.url, 'rating.given', body)).toEqual([]);
    expect((await api(server.url, key, 'DELETE', `/api/v1/webhooks/${endpoint.id}`)).status).toBe(204);
  });

  it('retries with backoff: a receiver answering 500 twice gets the event on the third attempt, and the log says so', async () => {
    const flaky = await receiver([500, 500]);
    const endpoint = await addEndpoint(flaky.url);
    await completeContest('retry@example.org');
    await waitUntil(() => flaky.requests.length >= 3 || undefined, { what: 'the third attempt', timeoutMs: 45_000 });

    expect(flaky.requests.map((r) => r.answered)).toEqual([500, 500, 200]);
    expect(flaky.requests.map((r) => r.headers['parley-attempt'])).toEqual(['1', '2', '3']);
    expect(new Set(flaky.requests.map((r) => r.headers['parley-delivery'])).size).toBe(1);
    expect(new Set(flaky.requests.map((r) => JSON.parse(r.rawBody.toString('utf8')).id)).size).toBe(1);
    for (const r of flaky.requests) {
      const t = Number(/^t=(\d+)/.exec(String(r.headers['parley-signature']))![1]);
      expect(verifySignature(String(r.headers['parley-signature']), endpoint.secret, r.rawBody, { nowSeconds: t })).toBe(true);
    }

    const log = await waitUntil(async () => {
      const listed = await api(server.url, key, 'GET', `/api/v1/webhooks/${endpoint.id}/deliveries`);
      const [delivery] = listed.body.deliveries;
      return delivery?.status === 'succeeded' ? listed.body : undefined;
    }, { what: 'the delivery to be recorded as succeeded' });
    expect(log.deliveries).toHaveLength(1);
    expect(log.deliveries[0]).toMatchObject({ eventType: 'participation.created', status: 'succeeded', attempts: 3, responseStatus: 200, lastError: null, id: flaky.requests[0]!.headers['parley-delivery'] });
    expect(log.deliveries[0].finishedAt).not.toBeNull();
    expect(JSON.stringify(log)).not.toContain('a long body');
  });

  it('delivers to other endpoints while one holds its requests unanswered', async () => {
    // Registered first, so that each event's delivery to it is queued before the prompt one's.
    const stalled = await startHoldingReceiver();
    receivers.push(stalled);
    const prompt = await receiver();
    const endpoints = [await addEndpoint(stalled.url), await addEndpoint(prompt.url)];
    try {
      for (const n of [1, 2, 3]) await completeContest(`held-${n}@example.org`);
      // With one delivery at a time, the prompt endpoint would wait for each held request to time out (10 s).
      await waitUntil(() => prompt.requests.length >= 3 || undefined, { what: 'the prompt endpoint to get the three events', timeoutMs: 60_000 });
      expect(stalled.held()).toBeGreaterThan(0);
      expect(stalled.abandoned()).toBe(0);
    } finally {
      stalled.release();
      for (const endpoint of endpoints) await api(server.url, key, 'DELETE', `/api/v1/webhooks/${endpoint.id}`);
    }
  }, 90_000);
});
